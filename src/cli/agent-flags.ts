/**
 * The flags of `netguard agent`, their environment variables and defaults. Kept apart from the
 * agent itself so that building the command tree does not load the Kubernetes client (~0.5 s).
 */
import { DEFAULT_FLANNEL_SUBNET_FILE } from "../agent/flannel-subnet.js";
import { DEFAULT_CNI_SOCKET } from "../cni/protocol.js";

/** Options of `agent` after flags and environment are merged. */
export interface AgentCliOptions {
  readonly node?: string;
  readonly kubeconfig?: string;
  readonly listen: string;
  readonly logLevel: string;
  readonly netns?: string;
  readonly driftInterval: string;
  readonly minInterval: string;
  readonly maxDelay: string;
  readonly cniSocket: string;
  readonly cniState: string;
  readonly cniConfDir: string;
  readonly flannelSubnetFile: string;
  readonly tableCheckInterval: string;
  readonly cleanup?: boolean;
}

/** The flags, their environment variables and defaults (shared with --help). */
export const AGENT_FLAGS = {
  node: { env: "NODE_NAME", help: "this node's name (spec.nodeName of its pods)" },
  kubeconfig: { env: "KUBECONFIG", help: "kubeconfig file (default: in-cluster service account)" },
  listen: {
    env: "NETGUARD_LISTEN",
    help: "address:port for /healthz, /readyz, /metrics (unauthenticated: the default is loopback only; name an address to expose them)",
    default: "127.0.0.1:9808",
  },
  logLevel: {
    env: "NETGUARD_LOG_LEVEL",
    help: "log level (trace, debug, info, warn, error)",
    default: "info",
  },
  netns: { env: "NETGUARD_NETNS", help: "apply rules inside this network namespace (lab nodes)" },
  driftInterval: {
    env: "NETGUARD_DRIFT_INTERVAL",
    help: "seconds between drift checks of netguard's tables (0: off)",
    default: "300",
  },
  minInterval: { env: "NETGUARD_MIN_INTERVAL", help: "milliseconds of quiet before a sync", default: "50" },
  maxDelay: {
    env: "NETGUARD_MAX_DELAY",
    help: "maximum milliseconds between an event and its sync",
    default: "500",
  },
  cniSocket: {
    env: "NETGUARD_CNI_SOCKET",
    help: "unix socket the CNI plugin talks to ('' to disable)",
    default: DEFAULT_CNI_SOCKET,
  },
  cniState: {
    env: "NETGUARD_CNI_STATE",
    help: "file keeping CNI registrations across restarts",
    default: "/run/netguard/pods.json",
  },
  cniConfDir: {
    env: "NETGUARD_CNI_CONF_DIR",
    help: "CNI configuration directory to keep netguard chained in (Flannel rewrites its conflist); '' to disable",
    default: "",
  },
  flannelSubnetFile: {
    env: "NETGUARD_FLANNEL_SUBNET_FILE",
    help: "Flannel's subnet.env: this node's pod CIDRs when its Node has no spec.podCIDRs; '' to disable",
    default: DEFAULT_FLANNEL_SUBNET_FILE,
  },
  tableCheckInterval: {
    env: "NETGUARD_TABLE_CHECK_INTERVAL",
    help: "seconds between checks that netguard's tables exist, besides nft monitor (0: monitor only)",
    default: "1",
  },
} as const;
