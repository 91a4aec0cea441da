/**
 * The probe agent's JSON-lines protocol (types only: the agent imports nothing at run time but
 * node builtins). Agent → stdout: one `AgentReady` line, then one `ProbeAnswer` per command.
 * stdin → agent: one `ProbeCommand` per line.
 */

/** Protocols a NetworkPolicy port may name (`NetworkPolicyPort.protocol`). */
export type ProbeProtocol = "TCP" | "UDP" | "SCTP";

/** Ask the agent to connect to `dst`:`port` from inside its namespace. */
export interface ProbeCommand {
  readonly id: number;
  readonly dst: string;
  readonly port: number;
  readonly protocol: ProbeProtocol;
  readonly timeoutMs: number;
  /** Local address to bind (must be on an interface of the agent's namespace). */
  readonly src?: string;
}

/**
 * The outcome. `detail` is "connected" (TCP) or "echoed" (UDP) when ok; otherwise "timeout" (no
 * answer: what a policy `drop` looks like), "refused" (RST or ICMP port unreachable: nothing listens,
 * but the packet got through), "unreachable: <code>", "skipped: SCTP not supported", or an error.
 */
export interface ProbeAnswer {
  readonly id: number | null;
  readonly ok: boolean;
  readonly detail: string;
}

/** First line of an agent: every listener is bound (or, when `ready` is false, why not). */
export interface AgentReady {
  readonly ready: boolean;
  readonly error?: string;
}
