/**
 * The Go type of networking.k8s.io/v1 NetworkPolicy (k8s.io/api/networking/v1/types.go) as data:
 * field names, JSON kinds and Go type names, so the strict decoder can report unknown fields and
 * type mismatches the way the API server's decoder does.
 */

/** One node of the type tree; `go` is the Go type name used in "cannot unmarshal" messages. */
export type TypeNode =
  | { readonly t: "string"; readonly go: string }
  | { readonly t: "int32" | "int64" | "bool" | "intOrString" | "time" | "raw"; readonly go: string }
  | { readonly t: "struct"; readonly go: string; readonly fields: Readonly<Record<string, TypeNode>> }
  | { readonly t: "slice"; readonly go: string; readonly items: TypeNode }
  | { readonly t: "map"; readonly go: string; readonly values: TypeNode };

const str = (go = "string"): TypeNode => ({ t: "string", go });
const int32: TypeNode = { t: "int32", go: "int32" };
const int64: TypeNode = { t: "int64", go: "int64" };
const bool: TypeNode = { t: "bool", go: "bool" };
const time: TypeNode = { t: "time", go: "v1.Time" };
const stringMap: TypeNode = { t: "map", go: "map[string]string", values: str() };
const struct = (go: string, fields: Record<string, TypeNode>): TypeNode => ({ t: "struct", go, fields });
const slice = (items: TypeNode): TypeNode => ({ t: "slice", go: `[]${items.go}`, items });

const labelSelector = struct("v1.LabelSelector", {
  matchLabels: stringMap,
  matchExpressions: slice(
    struct("v1.LabelSelectorRequirement", {
      key: str(),
      operator: str("v1.LabelSelectorOperator"),
      values: slice(str()),
    }),
  ),
});

const ownerReference = struct("v1.OwnerReference", {
  apiVersion: str(),
  kind: str(),
  name: str(),
  uid: str("types.UID"),
  controller: bool,
  blockOwnerDeletion: bool,
});

const managedFieldsEntry = struct("v1.ManagedFieldsEntry", {
  manager: str(),
  operation: str("v1.ManagedFieldsOperationType"),
  apiVersion: str(),
  time,
  fieldsType: str(),
  fieldsV1: { t: "raw", go: "v1.FieldsV1" },
  subresource: str(),
});

/** metav1.ObjectMeta. */
export const OBJECT_META = struct("v1.ObjectMeta", {
  name: str(),
  generateName: str(),
  namespace: str(),
  selfLink: str(),
  uid: str("types.UID"),
  resourceVersion: str(),
  generation: int64,
  creationTimestamp: time,
  deletionTimestamp: time,
  deletionGracePeriodSeconds: int64,
  labels: stringMap,
  annotations: stringMap,
  ownerReferences: slice(ownerReference),
  finalizers: slice(str()),
  managedFields: slice(managedFieldsEntry),
});

const peer = struct("v1.NetworkPolicyPeer", {
  podSelector: labelSelector,
  namespaceSelector: labelSelector,
  ipBlock: struct("v1.IPBlock", { cidr: str(), except: slice(str()) }),
});

/** NetworkPolicyPort; `endPort` exists only from 1.21 (versions.ts `end-port-field`). */
function portType(withEndPort: boolean): TypeNode {
  const fields: Record<string, TypeNode> = {
    protocol: str("v1.Protocol"),
    port: { t: "intOrString", go: "intstr.IntOrString" },
  };
  if (withEndPort) fields.endPort = int32;
  return struct("v1.NetworkPolicyPort", fields);
}

function specType(withEndPort: boolean): TypeNode {
  const ports = slice(portType(withEndPort));
  return struct("v1.NetworkPolicySpec", {
    podSelector: labelSelector,
    ingress: slice(struct("v1.NetworkPolicyIngressRule", { ports, from: slice(peer) })),
    egress: slice(struct("v1.NetworkPolicyEgressRule", { ports, to: slice(peer) })),
    policyTypes: slice(str("v1.PolicyType")),
  });
}

const condition = struct("v1.Condition", {
  type: str(),
  status: str("v1.ConditionStatus"),
  observedGeneration: int64,
  lastTransitionTime: time,
  reason: str(),
  message: str(),
});

/** The fields every NetworkPolicy v1 has; `status` is added only where the version table says so. */
export function networkPolicyType(withStatus: boolean, withEndPort: boolean): TypeNode {
  const fields: Record<string, TypeNode> = {
    apiVersion: str(),
    kind: str(),
    metadata: OBJECT_META,
    spec: specType(withEndPort),
  };
  if (withStatus) fields.status = struct("v1.NetworkPolicyStatus", { conditions: slice(condition) });
  return struct("v1.NetworkPolicy", fields);
}
