/**
 * What the agent does with the cluster source's reports: a change triggers the reconcile loop; an
 * object with errors is logged (and, for a NetworkPolicy, becomes an Event); a failed watch counts
 * as a reconnect; a CRD kind's availability (ClusterNetworkPolicy) is said once per change and kept
 * in `netguard_cluster_network_policy_watch`.
 */
import type { Logger } from "pino";
import type { Clock } from "./clock.js";
import type { KindAvailability } from "./crd-kinds.js";
import type { PolicyEventReporter } from "./events.js";
import { type AgentMetrics, recordAvailability } from "./metrics.js";
import type { SourceEvents } from "./source-events.js";

/** The parts the reports go to. */
export interface SourceReportParts {
  readonly logger: Logger;
  readonly policyEvents: PolicyEventReporter;
  readonly clock: Clock;
  readonly metrics: AgentMetrics;
}

/** The agent's SourceEvents; `trigger` asks the reconcile loop for a sync. */
export function agentSourceEvents(parts: SourceReportParts, trigger: (at: number) => void): SourceEvents {
  const { logger: log, policyEvents, clock, metrics } = parts;
  return {
    changed: (_kind, at) => trigger(at),
    upserted: (kind, object, issues) => {
      if (issues.length > 0)
        log.warn({ kind, issues }, "object has errors; its valid parts are enforced, the rest fails closed");
      if (kind === "NetworkPolicy") policyEvents.update(object, issues, new Date(clock.now()));
    },
    removed: (kind, object) => {
      if (kind === "NetworkPolicy") policyEvents.remove(object);
    },
    disconnected: (kind, error, retryInMs) => {
      metrics.reconnects.inc({ resource: kind });
      log.warn({ kind, error, retryInMs }, "watch failed; current rules stay in force, retrying");
    },
    connected: (kind) => log.info({ kind }, "watch connected"),
    availability: (kind, a) => {
      recordAvailability(metrics, a);
      logAvailability(log, kind, a);
    },
  };
}

/** Says that a CRD kind is watched, or why it is not (the source reports each change once). */
function logAvailability(log: Logger, kind: string, a: KindAvailability): void {
  if (a.state === "watched") {
    log.info({ kind }, `the ${kind} API exists (its CRD is installed): ${kind}s are watched and enforced`);
    return;
  }
  const { why, detail, dropped, recheckInMs } = a;
  const fields = { kind, why, detail, dropped, recheckInMs };
  if (why === "forbidden")
    log.error(
      fields,
      `not allowed to list ${kind}s (the agent's ClusterRole needs list and watch on them, see examples/deploy/rbac.yaml): those held stay enforced, changes are not seen; asking again with a backoff`,
    );
  else if (dropped > 0)
    log.warn(
      fields,
      `the ${kind} API is gone (its CRD was deleted, and its objects with it): the ${dropped} ${kind}s held are no longer enforced; looking for the API again with a backoff`,
    );
  else
    log.info(
      fields,
      `the ${kind} API does not exist (its CRD is not installed, see crds/): ${kind}s are not enforced, every other kind is; looking for it again with a backoff`,
    );
}
