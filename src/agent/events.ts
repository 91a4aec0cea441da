/**
 * Kubernetes Events for NetworkPolicies that netguard cannot enforce as written, so their owners
 * see it where they look (`kubectl describe networkpolicy`, `kubectl get events`) and not only in
 * the agent's logs. Such a policy is enforced fail-closed: a rule with an error allows nothing.
 *
 * Every node's agent sees the same policies, so one agent reports: the one on the first node by
 * name. Reports wait for the first complete list (before it, the nodes are not all known) and are
 * sent once per distinct set of errors, not again on every re-list.
 */
import { CoreV1Api, type CoreV1Event, type KubeConfig } from "@kubernetes/client-node";
import type { Issue } from "../diag/issue.js";

/** `reason` of the Events netguard posts. */
export const INVALID_POLICY_REASON = "InvalidNetworkPolicy";

/** The API server keeps at most this much of an Event's message. */
const MESSAGE_LIMIT = 1024;

/** Posts one Event (injected: the Kubernetes client in the agent, a list in tests). */
export type PostEvent = (namespace: string, event: CoreV1Event) => Promise<void>;

/** PostEvent through the API server (`create` on core/v1 events, which the agent's role grants). */
export function kubePostEvent(kc: KubeConfig): PostEvent {
  const api = kc.makeApiClient(CoreV1Api);
  return async (namespace, body) => {
    await api.createNamespacedEvent({ namespace, body });
  };
}

/**
 * The core/v1 Event telling a NetworkPolicy's owner which fields netguard cannot enforce, or
 * undefined when the issues are not errors about a NetworkPolicy. Pure.
 */
export function invalidPolicyEvent(
  issues: readonly Issue[],
  node: string,
  now: Date,
): CoreV1Event | undefined {
  const errors = issues.filter((i) => i.severity === "error");
  const ref = errors.find((i) => i.object?.kind === "NetworkPolicy")?.object;
  if (!ref?.name || !ref.namespace) return undefined;
  const detail = errors.map((i) => `${i.path ? `${i.path}: ` : ""}${i.message}`).join("; ");
  const full = `netguard cannot enforce this policy as written and enforces it fail-closed (rules with errors allow nothing): ${detail}`;
  const message = full.length > MESSAGE_LIMIT ? `${full.slice(0, MESSAGE_LIMIT - 1)}…` : full;
  return {
    metadata: { generateName: `${ref.name}.`, namespace: ref.namespace },
    involvedObject: {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      namespace: ref.namespace,
      name: ref.name,
    },
    reason: INVALID_POLICY_REASON,
    message,
    type: "Warning",
    source: { component: "netguard-agent", host: node },
    reportingComponent: "netguard.io/agent",
    reportingInstance: node,
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  };
}

/** Collects invalid-policy reports and sends them from the reporting agent once the view is complete. */
export class PolicyEventReporter {
  private readonly pending = new Map<string, CoreV1Event>();
  private readonly sent = new Map<string, string>();

  constructor(
    private readonly node: string,
    private readonly post: PostEvent,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Notes the errors of one object (called for every change of an object with issues). */
  report(issues: readonly Issue[], now: Date): void {
    const event = invalidPolicyEvent(issues, this.node, now);
    const o = event?.involvedObject;
    if (!event || !o) return;
    this.pending.set(`${o.namespace}/${o.name}`, event);
  }

  /**
   * Sends what is pending if this agent reports (its node is the first of `nodes` by name), once
   * per distinct message for an object; drops it otherwise.
   */
  flush(nodes: Iterable<string>): void {
    let first: string | undefined;
    for (const n of nodes) if (first === undefined || n < first) first = n;
    const reporter = first === undefined || first === this.node;
    for (const [ref, event] of this.pending) {
      if (!reporter || this.sent.get(ref) === event.message) continue;
      this.sent.set(ref, event.message ?? "");
      this.post(event.metadata?.namespace ?? "", event).catch(this.onError);
    }
    this.pending.clear();
  }
}
