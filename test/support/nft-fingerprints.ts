/**
 * Rules read back from the kernel carry a fingerprint of their exact expressions (json-rule.ts);
 * tests that state the expected model by facts compare without it, and check it separately.
 */
import type { NftState, RuleState, TableState } from "../../src/nft/state.js";

/** The state with every rule's fingerprint left out. */
export function withoutFingerprints(state: NftState): NftState {
  return new Map([...state].map(([key, t]) => [key, tableWithout(t)]));
}

/** Every rule's fingerprint, by `table chain`, in chain order. */
export function fingerprints(state: NftState): Map<string, Array<string | undefined>> {
  const out = new Map<string, Array<string | undefined>>();
  for (const [key, t] of state)
    for (const c of t.chains.values())
      out.set(
        `${key} ${c.name}`,
        c.rules.map((r) => r.fingerprint),
      );
  return out;
}

function tableWithout(t: TableState): TableState {
  const rule = ({ text, facts }: RuleState): RuleState => ({ text, facts });
  const chains = new Map([...t.chains].map(([name, c]) => [name, { ...c, rules: c.rules.map(rule) }]));
  return { ...t, chains };
}
