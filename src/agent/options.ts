/**
 * What the node agent is configured with: the input of its wiring (src/cli/agent-parts.ts, which
 * builds the Agent's parts from it); flags in src/cli/agent-flags.ts.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { Exec } from "../sys/exec.js";
import type { ListenUnix } from "./cni-server.js";
import type { Clock } from "./clock.js";
import type { DirWatcher } from "./conf-watch.js";
import type { RecheckBackoff } from "./crd-kinds.js";
import type { PostEvent } from "./events.js";
import type { ReadText } from "./flannel-subnet.js";
import type { ReconcileOptions } from "./reconciler.js";
import type { SpawnMonitor } from "./table-watch.js";

/** Everything the agent is configured with. */
export interface AgentOptions {
  readonly nodeName: string;
  readonly kubeConfig: KubeConfig;
  readonly exec: Exec;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Apply inside this network namespace (a lab node) instead of the agent's own. */
  readonly netns?: string;
  /** Where to serve /healthz, /readyz and /metrics; undefined: no HTTP endpoint. */
  readonly listen?: { readonly host: string; readonly port: number };
  readonly reconcile?: Partial<ReconcileOptions>;
  /** How often to compare the kernel's tables with the applied state (0: never). */
  readonly driftIntervalMs: number;
  /** Minimum interval between reads of the drop counters. */
  readonly dropsIntervalMs: number;
  /** Unix socket for the CNI plugin; undefined: no CNI endpoint. */
  readonly cniSocket?: string;
  /** How that socket is bound (default: node:net, replacing a stale socket file). */
  readonly cniListen?: ListenUnix;
  /** File keeping CNI registrations across restarts; undefined: in memory only. */
  readonly cniStateFile?: string;
  /** The node's CNI configuration directory: netguard is re-chained there when Flannel drops it. */
  readonly cniConfDir?: string;
  /** How the configuration directory is watched (default: inotify through node:fs). */
  readonly watchDir?: DirWatcher;
  /** How Events about invalid policies are posted (default: through the API server). */
  readonly postEvent?: PostEvent;
  /**
   * Flannel's `subnet.env`: the pod CIDRs of a Node without `spec.podCIDRs` (undefined: not read).
   */
  readonly flannelSubnetFile?: string;
  /** How that file is read (default: node:fs). */
  readonly readText?: ReadText;
  /**
   * Watching for the loss of netguard's tables: an existence check every `pollMs` (0: none) and
   * the `nft monitor` process `spawn` starts (undefined: none). Undefined: not watched.
   */
  readonly tableWatch?: { readonly pollMs: number; readonly spawn?: SpawnMonitor };
  /**
   * Learn veth ↔ pod pairs from the kernel (ports of this CNI bridge) before the first sync and on
   * every drift check, for pods no CNI ADD named (default: on, bridge `cni0`; false: off).
   */
  readonly vethDiscovery?: { readonly bridge?: string } | false;
  /**
   * How often the API of a CRD kind (ClusterNetworkPolicy) whose CRD is not installed is looked for
   * again (default: after 2 s, doubling to once a minute).
   */
  readonly crdRecheck?: RecheckBackoff;
}
