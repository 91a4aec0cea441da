/**
 * Kubernetes Events for NetworkPolicies that netguard cannot enforce as written, so their owners
 * see it where they look (`kubectl events --for networkpolicy/NAME`) and not only in
 * the agent's logs. Such a policy is enforced fail-closed: a rule with an error allows nothing.
 *
 * Every node's agent sees the same policies, so one agent reports: the one on the first node (by
 * name) that runs an agent. Reports wait for the first complete list (before it, the nodes are not
 * all known) and are sent once per distinct set of errors of an object.
 */
import { CoreV1Api, type CoreV1Event, type KubeConfig } from "@kubernetes/client-node";
import type { Issue } from "../issue/issue.js";
import type { ObjectIdentity } from "./source.js";

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
  uid?: string,
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
      ...(uid ? { uid } : {}),
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

/** The label the shipped DaemonSet puts on the agent's pods (examples/deploy). */
export const AGENT_POD_LABEL = { key: "app.kubernetes.io/name", value: "netguard" } as const;

/**
 * The node whose agent reports: the first by name among nodes running an agent pod (so a node the
 * DaemonSet skips, e.g. a Windows node, cannot silence everyone), or among all nodes when no agent
 * pod is known.
 */
export function reportingNode(nodes: Iterable<string>, agentNodes: Iterable<string>): string | undefined {
  const first = (xs: Iterable<string>) => {
    let f: string | undefined;
    for (const x of xs) if (f === undefined || x < f) f = x;
    return f;
  };
  return first(agentNodes) ?? first(nodes);
}

/**
 * Keeps the current errors of every invalid policy on every agent (so another agent can take over
 * reporting), and posts them from the reporting agent: after a sync (the first full list is done),
 * once per distinct set of errors of an object, again after it was fixed and broken again or
 * re-created, and again after a failed post (at the next sync, not in a loop).
 */
export class PolicyEventReporter {
  private readonly current = new Map<string, { event: CoreV1Event; uid: string | undefined }>();
  private readonly posted = new Map<string, string>();
  private readonly inFlight = new Set<string>();
  private readonly failed = new Set<string>();
  private reporting = false;

  constructor(
    private readonly node: string,
    private readonly post: PostEvent,
    private readonly onError: (error: unknown) => void,
    private readonly maxInFlight = 4,
  ) {}

  /** A NetworkPolicy was added or changed; `issues` are its problems now (none when valid). */
  update(policy: ObjectIdentity, issues: readonly Issue[], now: Date): void {
    const key = `${policy.namespace}/${policy.name}`;
    const event = invalidPolicyEvent(issues, this.node, now, policy.uid);
    const before = this.current.get(key);
    if (!event) return this.remove(policy);
    if (before && before.uid === policy.uid && before.event.message === event.message) return;
    if (before?.uid !== policy.uid) this.posted.delete(key);
    this.current.set(key, { event, uid: policy.uid });
  }

  /** A NetworkPolicy was deleted (or became valid). */
  remove(policy: ObjectIdentity): void {
    const key = `${policy.namespace}/${policy.name}`;
    this.current.delete(key);
    this.posted.delete(key);
  }

  /**
   * After a sync: whether this agent reports now (`reporter` is asked only when there is something
   * to report: it looks at every pod), and if so, posts what is not yet posted.
   */
  flush(reporter: () => string | undefined): void {
    if (this.current.size === 0) return;
    const node = reporter();
    this.reporting = node === undefined || node === this.node;
    this.failed.clear();
    this.pump();
  }

  private pump(): void {
    if (!this.reporting) return;
    for (const [key, { event }] of this.current) {
      if (this.inFlight.size >= this.maxInFlight) return;
      if (this.inFlight.has(key) || this.failed.has(key) || this.posted.get(key) === event.message) continue;
      this.inFlight.add(key);
      this.post(event.metadata?.namespace ?? "", event)
        .then(
          () => {
            if (this.current.get(key)?.event === event) this.posted.set(key, event.message ?? "");
          },
          (error: unknown) => {
            this.failed.add(key);
            this.onError(error);
          },
        )
        .finally(() => {
          this.inFlight.delete(key);
          this.pump();
        });
    }
  }
}
