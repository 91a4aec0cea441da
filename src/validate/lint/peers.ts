/**
 * Lints on what a rule's peers (`from` / `to`) let through: allowances broader than they look, and
 * named ports that ipBlock destinations can never satisfy.
 */
import type { Issue } from "../../issue/issue.js";
import type { NetworkPolicy, Peer } from "../../k8s/model.js";
import { isEmptySelector } from "../../policy/selector.js";
import { lint, peerPath, peersOf, portPath, portsOf, ruleSites, type RuleSite } from "./context.js";

/** True for an ipBlock `0.0.0.0/0` or `::/0` without `except`: every address of its family. */
export function isWholeFamilyBlock(peer: Peer): boolean {
  return peer.kind === "ipBlock" && peer.cidr.prefix === 0 && peer.except.length === 0;
}

function isEveryPod(peer: Peer): boolean {
  return (
    peer.kind === "pods" &&
    peer.namespaces.kind === "matching" &&
    isEmptySelector(peer.namespaces.selector) &&
    isEmptySelector(peer.pods)
  );
}

const side = (s: RuleSite) => (s.direction === "ingress" ? "from any source" : "to any destination");

/**
 * `allow-all`: an ipBlock `0.0.0.0/0` / `::/0` without except (every address, pods included), a peer
 * `{namespaceSelector: {}}` with an empty or absent podSelector (every pod of every namespace), or a
 * rule with ports but no `from`/`to` (every peer). A rule with neither is reported as `empty-rule`.
 */
export function lintAllowAll(policy: NetworkPolicy): Issue[] {
  const out: Issue[] = [];
  for (const site of ruleSites(policy)) {
    if (site.rule.peers.kind === "any") {
      if (site.rule.ports.kind === "list")
        out.push(
          lint(
            "allow-all",
            site.path,
            `This rule has no ${site.direction === "ingress" ? "from" : "to"}, so it allows its ports ${side(site)}: every pod of every namespace and every external address`,
          ),
        );
      continue;
    }
    for (const peer of peersOf(site.rule)) {
      if (isWholeFamilyBlock(peer))
        out.push(
          lint(
            "allow-all",
            `${peerPath(site, peer)}.ipBlock`,
            `This ipBlock matches every address of its family, every pod of the cluster included: the rule allows its ports ${side(site)}`,
          ),
        );
      else if (isEveryPod(peer))
        out.push(
          lint(
            "allow-all",
            peerPath(site, peer),
            "This peer matches every pod in every namespace (empty namespaceSelector and podSelector); narrow it unless that is intended",
          ),
        );
    }
  }
  return out;
}

/**
 * `named-port-ipblock-only`: a named port in an egress rule whose peers are all ipBlocks. Named
 * ports resolve against the destination pod's containerPorts, so the port matches only pods that
 * happen to be inside the blocks, never an external address.
 */
export function lintNamedPortToBlocks(policy: NetworkPolicy): Issue[] {
  const out: Issue[] = [];
  for (const site of ruleSites(policy)) {
    const peers = peersOf(site.rule);
    if (site.direction !== "egress" || peers.length === 0 || peers.some((p) => p.kind !== "ipBlock"))
      continue;
    for (const port of portsOf(site.rule)) {
      if (port.kind !== "named") continue;
      out.push(
        lint(
          "named-port-ipblock-only",
          portPath(site, port),
          `Named port "${port.name}" is resolved against the destination pod, but this rule's peers are only ipBlocks: it matches only pods inside the blocks, never external addresses; use a port number`,
        ),
      );
    }
  }
  return out;
}
