/**
 * `cnp-experimental-field`: ClusterNetworkPolicy fields of the network-policy-api experimental
 * channel — the `nodes` and `domainNames` egress peers and `destinationNamedPort`. A cluster with
 * the standard-channel CRD does not store them (the API server prunes unknown fields), so the
 * stored policy would differ from the file. `domainNames` is, besides, an error netguard reports
 * at decoding (`unsupported-field`): it is not supported and fails closed.
 */
import { type Issue, warning } from "../../issue/issue.js";
import type { ClusterNetworkPolicy } from "../../k8s/cnp-model.js";
import { cnpRules, DIRECTIONS } from "./cnp-context.js";

const WHY =
  "is an experimental-channel field of ClusterNetworkPolicy: a cluster with the standard-channel CRD does not store it, so the policy it enforces would differ from this file";

/** One warning per experimental field used, at its path. */
export function lintExperimentalFields(self: ClusterNetworkPolicy): Issue[] {
  const out: Issue[] = [];
  for (const direction of DIRECTIONS) {
    const list = direction === "ingress" ? "from" : "to";
    for (const site of cnpRules(self, direction)) {
      for (const peer of site.rule.peers) {
        const at = `${site.path}.${list}[${peer.index}]`;
        if (peer.kind === "nodes")
          out.push(warning("cnp-experimental-field", `${at}.nodes`, `\`nodes\` ${WHY}`));
        if (peer.kind === "unsupported" && peer.fields.includes("domainNames"))
          out.push(
            warning(
              "cnp-experimental-field",
              `${at}.domainNames`,
              `\`domainNames\` ${WHY}; netguard does not support it either (see the error on this field)`,
            ),
          );
      }
      if (site.rule.protocols.kind === "any") continue;
      for (const port of site.rule.protocols.items) {
        if (port.kind === "named")
          out.push(
            warning(
              "cnp-experimental-field",
              `${site.path}.protocols[${port.index}].destinationNamedPort`,
              `\`destinationNamedPort\` ${WHY}`,
            ),
          );
      }
    }
  }
  return out;
}
