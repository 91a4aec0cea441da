/**
 * `cnp-experimental-field`: ClusterNetworkPolicy fields of the network-policy-api experimental
 * channel — the `nodes` and `domainNames` egress peers and `destinationNamedPort`. A cluster with
 * the standard-channel CRD does not store them (the API server prunes unknown fields), so the
 * stored policy would differ from the file. `domainNames` is, besides, an error netguard reports
 * at decoding (`unsupported-field`): it is not supported and fails closed.
 */
import { type Issue, warning } from "../../issue/issue.js";
import { isList, isObject } from "../../k8s/fields.js";

const WHY =
  "is an experimental-channel field of ClusterNetworkPolicy: a cluster with the standard-channel CRD does not store it, so the policy it enforces would differ from this file";

const PEER_FIELDS: Readonly<Record<string, string>> = {
  nodes: WHY,
  domainNames: `${WHY}; netguard does not support it either (see the error on this field)`,
};

/** The items of `o[key]` when it is a list of objects, with their indexes. */
function objects(o: unknown, key: string): [number, Record<string, unknown>][] {
  const list = isObject(o) ? o[key] : undefined;
  if (!isList(list)) return [];
  return list.flatMap((v, i): [number, Record<string, unknown>][] => (isObject(v) ? [[i, v]] : []));
}

/**
 * One warning per experimental field set, at its path, read from the object as written: a rule
 * the decoder reads fail-closed because of some other error still says what it uses.
 */
export function lintExperimentalFields(obj: Record<string, unknown>): Issue[] {
  const out: Issue[] = [];
  for (const direction of ["ingress", "egress"] as const) {
    const peers = direction === "ingress" ? "from" : "to";
    for (const [r, rule] of objects(obj.spec, direction)) {
      const path = `spec.${direction}[${r}]`;
      // `nodes` and `domainNames` are egress peers; under `from` they are unknown fields (errors).
      for (const [p, peer] of direction === "egress" ? objects(rule, peers) : [])
        for (const [field, why] of Object.entries(PEER_FIELDS))
          if (peer[field] !== undefined && peer[field] !== null)
            out.push(
              warning("cnp-experimental-field", `${path}.${peers}[${p}].${field}`, `\`${field}\` ${why}`),
            );
      for (const [k, proto] of objects(rule, "protocols"))
        if (proto.destinationNamedPort !== undefined && proto.destinationNamedPort !== null)
          out.push(
            warning(
              "cnp-experimental-field",
              `${path}.protocols[${k}].destinationNamedPort`,
              `\`destinationNamedPort\` ${WHY}`,
            ),
          );
    }
  }
  return out;
}
