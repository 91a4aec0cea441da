/**
 * `cnp-networks-cover-pods`: a `networks` peer whose CIDRs hold pod addresses. The API: "cluster-
 * internal traffic will be checked against the rule as well. So if you Accept or Deny traffic to
 * "0.0.0.0/0", that will allow or deny all IPv4 pod-to-pod traffic as well". Pod addresses come
 * from the cluster view: the Nodes' `spec.podCIDRs`, else the pods' own addresses.
 */
import { type Issue, warning } from "../../issue/issue.js";
import { formatInterval } from "../../net/cidr.js";
import type { Cidr } from "../../net/cidr.js";
import { refOf } from "../../k8s/model.js";
import type { ClusterNetworkPolicy } from "../../k8s/cnp-model.js";
import type { ClusterIndex } from "../../policy/cluster-index.js";
import { cnpRules, someOf } from "./cnp-context.js";
import { cidrsOverlap } from "./cnp-traffic.js";

const text = (c: Cidr) => formatInterval(c.family, c.range);

/**
 * What of the pod network `cidr` covers: the Node pod CIDRs it overlaps, when the Nodes have pod
 * CIDRs (pod addresses come from them), else the pods whose address it holds.
 */
function podsUnder(view: ClusterIndex, cidr: Cidr): string | undefined {
  const nodes = [...view.snapshot.nodes.values()];
  if (nodes.some((n) => n.podCIDRs.length > 0)) {
    const hit = nodes.flatMap((n) =>
      n.podCIDRs.filter((p) => cidrsOverlap(p, cidr)).map((p) => `${text(p)} of Node ${n.name}`),
    );
    return hit.length > 0 ? `the pod CIDR${hit.length === 1 ? "" : "s"} ${someOf(hit)}` : undefined;
  }
  const pods = view.targets.filter((p) =>
    p.ips.some((ip) => ip.family === cidr.family && cidr.range.lo <= ip.value && ip.value <= cidr.range.hi),
  );
  if (pods.length > 0)
    return `the address${pods.length === 1 ? "" : "es"} of pod${pods.length === 1 ? "" : "s"} ${someOf(pods.map(refOf))}`;
  return undefined;
}

/** One warning per `networks[k]` entry that covers pod addresses. */
export function lintNetworksCoverPods(self: ClusterNetworkPolicy, view: ClusterIndex | undefined): Issue[] {
  if (!view) return [];
  const out: Issue[] = [];
  for (const site of cnpRules(self, "egress")) {
    for (const peer of site.rule.peers) {
      if (peer.kind !== "networks") continue;
      peer.cidrs.forEach((cidr, k) => {
        const covered = podsUnder(view, cidr);
        if (!covered) return;
        out.push(
          warning(
            "cnp-networks-cover-pods",
            `${site.path}.to[${peer.index}].networks[${k}]`,
            `${text(cidr)} covers ${covered}: \`networks\` matches pod addresses too ("cluster-internal traffic will be checked against the rule as well"), so this ${site.rule.action} rule also applies to traffic to those pods, not only to outside addresses; select pods with \`pods\`/\`namespaces\` peers, and list only outside ranges here if that is what is meant`,
          ),
        );
      });
    }
  }
  return out;
}
