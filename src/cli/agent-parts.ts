/**
 * The agent's wiring (issue 13: entry points only wire): every collaborator of the Agent built from
 * its configuration — the real nft, the API server, node:fs, the system clock — and handed over.
 * `netguard agent` and the in-process agents of the end-to-end tests build through here, so they
 * run the same parts.
 */
import { Agent } from "../agent/agent.js";
import { CniChaining } from "../agent/cni-chaining.js";
import { CniPods } from "../agent/cni-pods.js";
import { CniServer } from "../agent/cni-server.js";
import { nodeDirIdentity, nodeDirWatcher } from "../agent/conf-watch.js";
import { nodeCniStateFile } from "../agent/cni-state.js";
import { DropReader } from "../agent/drops.js";
import { kubePostEvent, PolicyEventReporter } from "../agent/events.js";
import { FlannelLease, nodeReadText } from "../agent/flannel-subnet.js";
import { startHttp } from "../agent/http.js";
import { KernelVeths } from "../agent/kernel-veths.js";
import { createMetrics } from "../agent/metrics.js";
import type { AgentOptions } from "../agent/options.js";
import type { AgentParts } from "../agent/parts.js";
import { DEFAULT_RECONCILE, Reconciler } from "../agent/reconciler.js";
import { KubeSource, type KubeSourceDeps, kubeInformers } from "../agent/source.js";
import { ClusterStore } from "../agent/store.js";
import { SyncRecord } from "../agent/sync-record.js";
import { TableWatch } from "../agent/table-watch.js";
import { Datapath } from "../datapath/datapath.js";
import { nodeInstallFs } from "../cni/node-install-fs.js";
import { kubeReader } from "../api-client/raw-api.js";
import { execBackend } from "../nft/backend.js";

/** Builds an agent (not started) from its configuration. */
export function buildAgent(opts: AgentOptions): Agent {
  return new Agent(agentParts(opts));
}

/** Every part of the agent, built from the configuration. */
export function agentParts(opts: AgentOptions): AgentParts {
  const { clock, logger, nodeName, netns } = opts;
  const metrics = createMetrics();
  const store = new ClusterStore();
  const backend = execBackend(opts.exec, netns ? { netns } : {});
  const reader = kubeReader(opts.kubeConfig);
  return {
    nodeName,
    netns,
    clock,
    logger,
    metrics,
    store,
    datapath: new Datapath(backend),
    record: new SyncRecord(metrics, logger, () => store.counts()),
    lease: new FlannelLease(opts.readText ?? nodeReadText, opts.flannelSubnetFile),
    veths: kernelVeths(opts),
    policyEvents: new PolicyEventReporter(
      nodeName,
      opts.postEvent ?? kubePostEvent(opts.kubeConfig),
      (error) => logger.warn({ error: String(error) }, "cannot post an Event about an invalid policy"),
    ),
    driftIntervalMs: opts.driftIntervalMs,
    source: (events) => kubeSource(opts, { store, events, clock, reader }),
    reconciler: (deps) => new Reconciler({ ...deps, clock }, { ...DEFAULT_RECONCILE, ...opts.reconcile }),
    cni: (hooks) =>
      new CniPods({
        reader,
        store,
        nodeName,
        state: opts.cniStateFile === undefined ? undefined : nodeCniStateFile(opts.cniStateFile),
        log: logger,
        hooks,
        now: () => clock.now(),
      }),
    ...edgeParts(opts),
    drops: (owners) => new DropReader(backend, clock, opts.dropsIntervalMs, owners),
    // The table check polls: a hung nft must not hold it for the apply timeout.
    listTables: () =>
      execBackend(opts.exec, { ...(netns ? { netns } : {}), timeoutMs: 10_000 })
        .listTables()
        .then((t) => (t === "failed" ? undefined : t)),
  };
}

/** The endpoints and watches at the node's edges: CNI socket, HTTP, CNI chain, table watch. */
function edgeParts(opts: AgentOptions): Pick<AgentParts, "cniServer" | "http" | "chaining" | "tableWatch"> {
  const { clock, logger, listen, cniSocket, cniConfDir, tableWatch: watch } = opts;
  return {
    cniServer: cniSocket
      ? (handler) =>
          new CniServer({
            handler,
            socketPath: cniSocket,
            clock,
            ...(opts.cniListen ? { listen: opts.cniListen } : {}),
          })
      : undefined,
    http: listen ? (source) => startHttp(source, listen.host, listen.port) : undefined,
    chaining: cniConfDir
      ? (serial) =>
          new CniChaining({
            dir: cniConfDir,
            socket: cniSocket,
            clock,
            logger,
            watcher: opts.watchDir ?? nodeDirWatcher,
            identity: nodeDirIdentity,
            fs: nodeInstallFs,
            serial,
          })
      : undefined,
    tableWatch: watch
      ? (hooks) =>
          new TableWatch({
            ...hooks,
            clock,
            pollMs: watch.pollMs,
            ...(watch.spawn ? { spawn: watch.spawn } : {}),
          })
      : undefined,
  };
}

/** The watches of the cluster through the kubeconfig's API server. */
function kubeSource(opts: AgentOptions, deps: Omit<KubeSourceDeps, "informers" | "recheck">): KubeSource {
  return new KubeSource({
    ...deps,
    informers: kubeInformers(opts.kubeConfig),
    ...(opts.crdRecheck ? { recheck: opts.crdRecheck } : {}),
  });
}

/** Veth discovery on the node's bridge, unless turned off. */
function kernelVeths(opts: AgentOptions): KernelVeths | undefined {
  const vd = opts.vethDiscovery ?? {};
  if (!vd) return undefined;
  const { exec, netns, nodeName, logger } = opts;
  return new KernelVeths({ exec, netns, nodeName, logger, ...(vd.bridge ? { bridge: vd.bridge } : {}) });
}
