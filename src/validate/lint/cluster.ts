/**
 * Lints that need the cluster (`--cluster` snapshots): selectors and named ports that match nothing
 * that exists. They speak about the snapshot given, which may be stale or partial.
 */
import type { Issue } from "../../issue/issue.js";
import type { NetworkPolicy, Pod, PortSpec } from "../../k8s/model.js";
import type { ClusterIndex } from "../../policy/cluster-index.js";
import { PeerResolver } from "../../compile/peer-addresses.js";
import { contains } from "../../net/interval.js";
import { selectorMatches } from "../../policy/selector.js";
import { lint, peerPath, peersOf, portPath, portsOf, ruleSites, type RuleSite } from "./context.js";
import { blockRanges } from "./coverage.js";

/** Policy-target pods `policy` selects (its podSelector, in its namespace). */
function selectedPods(policy: NetworkPolicy, cluster: ClusterIndex): Pod[] {
  return (cluster.targetsByNamespace.get(policy.namespace) ?? []).filter((pod) =>
    selectorMatches(policy.podSelector, pod.labels),
  );
}

/** `selects-no-pod`: spec.podSelector matches no policy-target pod (or workload template) of the namespace. */
export function lintSelectsNoPod(policy: NetworkPolicy, cluster: ClusterIndex): Issue[] {
  if (selectedPods(policy, cluster).length > 0) return [];
  return [
    lint(
      "selects-no-pod",
      "spec.podSelector",
      `No pod and no workload in namespace ${policy.namespace} matches this podSelector in the cluster snapshot, so the policy currently has no effect`,
    ),
  ];
}

/** `peer-selects-nothing`: a podSelector/namespaceSelector peer matching no policy-target pod. */
export function lintEmptyPeers(policy: NetworkPolicy, cluster: ClusterIndex): Issue[] {
  const resolver = new PeerResolver(cluster);
  return ruleSites(policy).flatMap((site) =>
    peersOf(site.rule).flatMap((peer) =>
      peer.kind === "pods" && resolver.selectedPods(policy, peer).length === 0
        ? [
            lint(
              "peer-selects-nothing",
              peerPath(site, peer),
              "This peer matches no pod in the cluster snapshot, so it currently allows nothing; check its labels and namespace",
            ),
          ]
        : [],
    ),
  );
}

/** The pods whose containerPorts a named port of `site` resolves against: selected pods or peers. */
function receivers(policy: NetworkPolicy, site: RuleSite, cluster: ClusterIndex, r: PeerResolver): Pod[] {
  if (site.direction === "ingress") return selectedPods(policy, cluster);
  if (site.rule.peers.kind === "any") return [...cluster.targets];
  const out = new Set<Pod>();
  for (const peer of peersOf(site.rule)) {
    if (peer.kind === "pods") for (const pod of r.selectedPods(policy, peer)) out.add(pod);
    else {
      const ranges = blockRanges(peer);
      for (const pod of cluster.targets)
        if (pod.ips.some((ip) => ip.family === peer.cidr.family && contains(ranges, ip.value))) out.add(pod);
    }
  }
  return [...out];
}

/**
 * `named-port-not-found`: a named port that no receiving pod (the selected pods for ingress, the
 * peer pods for egress) declares with that name and protocol. Skipped when there is no receiving pod
 * at all, which `selects-no-pod` / `peer-selects-nothing` already report.
 */
export function lintNamedPorts(policy: NetworkPolicy, cluster: ClusterIndex): Issue[] {
  const resolver = new PeerResolver(cluster);
  const out: Issue[] = [];
  for (const site of ruleSites(policy)) {
    const named = portsOf(site.rule).filter(
      (p): p is Extract<PortSpec, { kind: "named" }> => p.kind === "named",
    );
    if (named.length === 0) continue;
    const pods = receivers(policy, site, cluster, resolver);
    if (pods.length === 0) continue;
    for (const port of named) {
      if (pods.some((pod) => pod.ports.some((c) => c.name === port.name && c.protocol === port.protocol)))
        continue;
      const whose = site.direction === "ingress" ? "selected pod" : "destination pod of this rule";
      out.push(
        lint(
          "named-port-not-found",
          portPath(site, port),
          `No ${whose} declares a container port named "${port.name}" with protocol ${port.protocol}, so this port entry matches nothing`,
        ),
      );
    }
  }
  return out;
}

/** `namespace-label-unused`: a namespaceSelector `matchLabels` pair no namespace carries. */
export function lintNamespaceLabels(policy: NetworkPolicy, cluster: ClusterIndex): Issue[] {
  const namespaces = [...cluster.snapshot.namespaces.values()];
  const out: Issue[] = [];
  for (const site of ruleSites(policy)) {
    for (const peer of peersOf(site.rule)) {
      if (peer.kind !== "pods" || peer.namespaces.kind !== "matching") continue;
      for (const [key, value] of Object.entries(peer.namespaces.selector.matchLabels)) {
        if (namespaces.some((ns) => ns.labels[key] === value)) continue;
        out.push(
          lint(
            "namespace-label-unused",
            `${peerPath(site, peer)}.namespaceSelector.matchLabels[${key}]`,
            `No namespace in the cluster snapshot has the label ${key}=${value}, so this namespaceSelector matches no namespace`,
          ),
        );
      }
    }
  }
  return out;
}
