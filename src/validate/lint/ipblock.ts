/**
 * Lints on `ipBlock` peers: blocks that also match pods (ipBlock matches any address in `cidr`
 * outside every `except`, "pod addresses included"), and `except` entries that repeat each other.
 */
import { clipName } from "../../issue/quote.js";
import type { Issue } from "../../issue/issue.js";
import { type NetworkPolicy, type Peer, refOf } from "../../k8s/model.js";
import { type Cidr, parseCidr } from "../../net/cidr.js";
import { contains, type Interval } from "../../net/interval.js";
import type { ClusterIndex } from "../../policy/cluster-index.js";
import { lint, peerPath, peersOf, ruleSites, type RuleSite } from "./context.js";
import { blockRanges } from "./coverage.js";
import { isWholeFamilyBlock } from "./peers.js";

type BlockPeer = Extract<Peer, { kind: "ipBlock" }>;

/** Where pod networks usually are when no cluster is given: RFC 1918 and IPv6 unique-local space. */
const PRIVATE_RANGES: readonly string[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"];
const PRIVATE: readonly Cidr[] = PRIVATE_RANGES.map((t) => parseCidr(t) as Cidr);

function blockSites(policy: NetworkPolicy): { site: RuleSite; peer: BlockPeer }[] {
  return ruleSites(policy).flatMap((site) =>
    peersOf(site.rule).flatMap((peer) => (peer.kind === "ipBlock" ? [{ site, peer }] : [])),
  );
}

const overlaps = (a: Interval, b: Interval) => a.lo <= b.hi && b.lo <= a.hi;

/**
 * `ipblock-covers-pods`: an ipBlock whose addresses (cidr minus except) include pod IPs: with a
 * cluster, the IP of some policy-target pod; without, any overlap with a private range. Blocks
 * reported as `allow-all` (a /0 without except) are not repeated here.
 */
export function lintBlockCoversPods(policy: NetworkPolicy, cluster: ClusterIndex | undefined): Issue[] {
  const out: Issue[] = [];
  for (const { site, peer } of blockSites(policy)) {
    if (isWholeFamilyBlock(peer)) continue;
    const path = `${peerPath(site, peer)}.ipBlock`;
    const ranges = blockRanges(peer);
    if (cluster) {
      const pods = cluster.targets.filter((pod) =>
        pod.ips.some((ip) => ip.family === peer.cidr.family && contains(ranges, ip.value)),
      );
      if (pods.length === 0) continue;
      const names =
        pods
          .slice(0, 3)
          .map((p) => clipName(refOf(p)))
          .join(", ") + (pods.length > 3 ? ` and ${pods.length - 3} more` : "");
      out.push(
        lint(
          "ipblock-covers-pods",
          path,
          `This ipBlock contains the IPs of pods ${names}: it matches pods too, not only external addresses; select pods with podSelector/namespaceSelector and except their addresses here`,
        ),
      );
      continue;
    }
    const hit = PRIVATE.findIndex(
      (p) => p.family === peer.cidr.family && ranges.some((r) => overlaps(r, p.range)),
    );
    if (hit < 0) continue;
    const text = PRIVATE_RANGES[hit] as string;
    out.push(
      lint(
        "ipblock-covers-pods",
        path,
        `This ipBlock overlaps the private range ${text}, where pod IPs usually are: it matches pods too, not only external addresses; except the pod network if only external addresses are meant`,
      ),
    );
  }
  return out;
}

/**
 * `duplicate-except` / `overlapping-except`: an `except` entry equal to, or overlapping (CIDRs
 * overlap only by nesting), an earlier one of the same ipBlock. Harmless, but usually a typo.
 */
export function lintExcepts(policy: NetworkPolicy): Issue[] {
  const out: Issue[] = [];
  for (const { site, peer } of blockSites(policy)) {
    const base = `${peerPath(site, peer)}.ipBlock.except`;
    peer.except.forEach((e, k) => {
      const j = peer.except.findIndex((d, i) => i < k && d.family === e.family && overlaps(d.range, e.range));
      if (j < 0) return;
      const d = peer.except[j] as Cidr;
      const equal = d.range.lo === e.range.lo && d.range.hi === e.range.hi;
      out.push(
        equal
          ? lint("duplicate-except", `${base}[${k}]`, `This entry repeats ${base}[${j}]; remove it`)
          : lint(
              "overlapping-except",
              `${base}[${k}]`,
              `This entry overlaps ${base}[${j}] (${e.prefix > d.prefix ? "it lies inside it" : "it contains it"}); keep only the larger range`,
            ),
      );
    });
  }
  return out;
}
