/**
 * The endpoints of `explain`: an IP address, a pod `namespace/name`, a workload entry
 * `namespace/Kind/name`, or a top-level owner whose pods are in the input (then its first pod
 * stands for it, and a note says so). Anything else is a usage error naming the closest names.
 */
import { refOf } from "../k8s/model.js";
import { parseAddr } from "../net/address.js";
import type { ClusterIndex } from "../policy/cluster-index.js";
import type { EndpointRef } from "../policy/endpoint.js";
import { closestSuffix } from "./closest.js";
import { UsageError } from "./io.js";
import { finishedPod, podNames } from "./pod-filter.js";
import { clipName } from "../issue/quote.js";

/** A resolved endpoint reference, with a note when an owner's pod stands for the owner. */
export interface ExplainEndpoint {
  readonly ref: EndpointRef;
  readonly note?: string;
}

/**
 * Resolves `--from`/`--to` (`flag`) of explain; throws a UsageError (exit 2) when nothing matches
 * (`finished`: refs of pods left out because they finished).
 */
export function explainEndpoint(
  index: ClusterIndex,
  flag: string,
  text: string,
  finished: ReadonlySet<string> = new Set(),
): ExplainEndpoint {
  if (parseAddr(text)) return { ref: { ip: text } };
  if (index.podsByRef.has(text)) return { ref: { pod: text } };
  const owned = index.snapshot.pods.filter((p) => p.owner === text);
  const first = owned[0];
  if (first) {
    const n = owned.length;
    const note =
      n === 1
        ? `${text} stands for its pod ${refOf(first)}`
        : `${text} stands for its ${n} pods; explaining the first, ${refOf(first)}`;
    return { ref: { pod: refOf(first) }, note };
  }
  if (finished.has(text)) throw finishedPod(flag, text);
  const names = [...podNames(index.snapshot.pods)].filter((n) => n.includes("/"));
  throw new UsageError(`no pod or workload matches ${flag} ${clipName(text)}${closestSuffix(text, names)}`);
}
