/**
 * The kernel's jump-depth check (nf_tables `nft_chain_validate`): following jumps and gotos from a
 * base chain — direct, through an anonymous verdict map, or through a named map a rule dispatches
 * with `vmap @m` — may go at most 15 chains deep (NFT_JUMP_STACK_SIZE is 16), so a loop that a base
 * chain reaches is refused too. Measured with nft 1.0.6: the 16th jump below a base chain, the rule
 * or map element that lets a base chain reach a loop, fail with "Could not process rule: Too many
 * links" (EMLINK); a loop no base chain reaches is accepted.
 */
import { verdictChain } from "./elements.js";
import { verdictMapsOf } from "./rule-facts.js";
import type { ChainState } from "./state.js";
import type { WorkTable } from "./working.js";

/** Jumps below a base chain nft allows. */
export const MAX_JUMP_DEPTH = 15;

/** A base chain from which jumps go deeper than allowed (or loop), or undefined. */
export function tooDeep(t: WorkTable): string | undefined {
  const below = new Map<string, number>();
  const onPath = new Set<string>();
  const depth = (name: string): number => {
    const known = below.get(name);
    if (known !== undefined) return known;
    if (onPath.has(name)) return Infinity;
    const chain = t.chains.get(name);
    if (!chain) return 0;
    onPath.add(name);
    let d = 0;
    for (const target of targets(t, chain)) {
      d = Math.max(d, 1 + depth(target));
      if (d > MAX_JUMP_DEPTH) break;
    }
    onPath.delete(name);
    below.set(name, d);
    return d;
  };
  for (const c of t.chains.values()) if (c.base && depth(c.name) > MAX_JUMP_DEPTH) return c.name;
  return undefined;
}

/** The chains a chain's rules can jump or go to. */
function targets(t: WorkTable, chain: ChainState): Set<string> {
  const out = new Set<string>();
  for (const r of chain.rules) {
    for (const c of r.facts.chains) out.add(c);
    // A rule read back from the kernel has no text: any map it names may be a dispatch.
    const maps = r.text === undefined ? r.facts.sets : verdictMapsOf(r.text);
    for (const m of maps)
      for (const v of t.maps.get(m)?.elements.values() ?? []) {
        const c = verdictChain(v);
        if (c !== undefined) out.add(c);
      }
  }
  return out;
}
