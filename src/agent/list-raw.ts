/**
 * The LIST an informer starts from, read as raw JSON through the KubeReader (never the library's
 * typed models, which rename fields such as `from` to `_from`), so listed and watched objects reach
 * the store's one decoder identically — ClusterNetworkPolicies included.
 */
import type { KubernetesListObject, KubernetesObject } from "@kubernetes/client-node";
import type { KubeReader } from "../api-client/raw-api.js";
import { error, type Issue, locate } from "../issue/issue.js";
import { isObject } from "../k8s/fields.js";
import type { ObjectIdentity } from "./source-events.js";
import type { WatchedKind } from "./store.js";

/**
 * One kind's LIST as raw JSON. An item without a name cannot be cached by the informer: it is
 * reported through `skipped` and left out, and the rest of the list is used (one bad object never
 * blocks a kind). A failed LIST rejects with the reader's error (its `status` tells a 404 apart).
 */
export async function listForInformer(
  reader: KubeReader,
  path: string,
  kind: WatchedKind,
  skipped: (object: ObjectIdentity, issues: readonly Issue[]) => void,
): Promise<KubernetesListObject<KubernetesObject>> {
  const list = await reader.list(path);
  const items: KubernetesObject[] = [];
  list.items.forEach((item, i) => {
    const meta = isObject(item) && isObject(item.metadata) ? item.metadata : undefined;
    if (meta && typeof meta.name === "string" && meta.name !== "") items.push(item as KubernetesObject);
    else {
      const issue = error(
        "malformed-object",
        "metadata.name",
        `item ${i} of the ${kind} list has no name; skipped`,
      );
      skipped(
        { namespace: undefined, name: `#${i}`, uid: undefined },
        locate([issue], { file: `kubernetes:${kind}`, line: 0 }, { kind }),
      );
    }
  });
  return {
    apiVersion: "v1",
    kind: `${kind}List`,
    metadata: { resourceVersion: list.resourceVersion },
    items,
  };
}
