/**
 * The node's ruleset applied with the real `nft` in a throwaway network namespace, with and without
 * the ClusterNetworkPolicies, interleaved: a full atomic apply, then incremental syncs through the
 * Datapath (the diff, one `nft -f` transaction and the drift check's rule baseline, as in the
 * agent; the baseline listing runs after the sync returns and is timed apart) for one NetworkPolicy changed, and — with the CNPs — one ClusterNetworkPolicy's priority
 * changed and one rule's action changed. Each edit is compiled and rendered afresh per round (the
 * agent's work before the sync, timed apart), applied, then reverted.
 */
import { randomBytes } from "node:crypto";
import { Datapath } from "../src/datapath/datapath.js";
import type { Snapshot } from "../src/k8s/model.js";
import { execBackend, type NftBackend } from "../src/nft/backend.js";
import { type NodeRuleset, renderNode } from "../src/render/ruleset.js";
import { systemExec } from "../src/sys/exec.js";
import {
  type CnpClusters,
  compileNode,
  editedPolicy,
  flipIsolation,
  lastPriority,
  snapshotOf,
  withEditedCnp,
  withEditedNp,
} from "./cnp-cluster.js";
import { type Spread, since, spread } from "./stats.js";

type Json = Record<string, unknown>;

/** One incremental case: the sync's time and commands, and the compile + render before it. */
export interface SyncFigures {
  readonly sync: Spread;
  /** Of the sync: the `nft -f` transaction alone. */
  readonly nftApply: Spread;
  /**
   * After the sync returned (it no longer waits for them): the listings of the changed chains (or
   * tables) the drift check's baseline takes; the next sync waits for them.
   */
  readonly listing: Spread;
  readonly commands: number;
  readonly compileRender: Spread;
}

/** One configuration's figures. */
export interface ApplyFigures {
  readonly fullApply: Spread;
  readonly scriptKB: number;
  readonly edits: ReadonlyMap<string, SyncFigures>;
}

/** The edits of each configuration, by the label the table prints. */
function edits(
  c: CnpClusters,
  policy: string,
): Array<{ label: string; objs: readonly Json[]; base: Json[] }> {
  return [
    { label: "NetworkPolicy np-20 changed (without CNPs)", objs: withEditedNp(c.without), base: c.without },
    { label: "NetworkPolicy np-20 changed (with CNPs)", objs: withEditedNp(c.with), base: c.with },
    {
      label: `ClusterNetworkPolicy ${policy}: priority → 995`,
      objs: withEditedCnp(c.with, policy, lastPriority),
      base: c.with,
    },
    {
      label: `ClusterNetworkPolicy ${policy}: ingress[4] action flipped`,
      objs: withEditedCnp(c.with, policy, flipIsolation),
      base: c.with,
    },
  ];
}

const rulesetOf = (objs: readonly Json[]): NodeRuleset => renderNode(compileNode(snapshotOf(objs)));

/** Runs the cases; undefined (with the reason on stderr) when no network namespace can be made. */
export async function applySideBySide(
  c: CnpClusters,
  rounds: number,
): Promise<{ without: ApplyFigures; with: ApplyFigures; policy: string } | undefined> {
  const ns = `ngb${randomBytes(3).toString("hex")}-cnp`;
  const add = await systemExec("ip", ["netns", "add", ns]);
  if (add.code !== 0) {
    process.stderr.write(
      `cnp datapath bench skipped: cannot create a network namespace (${add.stderr.trim()})\n`,
    );
    return undefined;
  }
  try {
    const bases = [rulesetOf(c.without), rulesetOf(c.with)];
    const policy = editedPolicy(compileNode(snapshotOf(c.with)));
    const cases = edits(c, policy).map((e) => ({ ...e, snapshot: snapshotOf(e.objs) }));
    const full: number[][] = [[], []];
    const scripts = [0, 0];
    const perEdit = cases.map(() => ({
      sync: [] as number[],
      nftApply: [] as number[],
      listing: [] as number[],
      commands: 0,
      compileRender: [] as number[],
    }));
    const timed = timedBackend(execBackend(systemExec, { netns: ns }));
    const dp = new Datapath(timed.backend);
    const times = timed.times;
    for (let round = 0; round < rounds; round++) {
      for (const i of round % 2 === 0 ? [0, 1] : [1, 0]) {
        await dp.cleanup();
        const t = performance.now();
        const r = await dp.sync(bases[i] as NodeRuleset);
        (full[i] as number[]).push(since(t));
        if (r.kind !== "full") throw new Error(`full apply: ${JSON.stringify(r)}`);
        scripts[i] = Math.round(r.scriptBytes / 1024);
        for (const [k, e] of cases.entries()) {
          if ((e.base === c.with ? 1 : 0) !== i) continue;
          await measureEdit(
            dp,
            times,
            e.snapshot,
            bases[i] as NodeRuleset,
            perEdit[k] as (typeof perEdit)[number],
          );
        }
      }
    }
    const figures = (i: number): ApplyFigures => ({
      fullApply: spread(full[i] as number[]),
      scriptKB: scripts[i] as number,
      edits: new Map(
        cases.flatMap((e, k) => {
          if ((e.base === c.with ? 1 : 0) !== i) return [];
          const s = perEdit[k] as (typeof perEdit)[number];
          const f = {
            sync: spread(s.sync),
            nftApply: spread(s.nftApply),
            listing: spread(s.listing),
            commands: s.commands,
            compileRender: spread(s.compileRender),
          };
          return [[e.label, f] as const];
        }),
      ),
    });
    return { without: figures(0), with: figures(1), policy };
  } finally {
    await systemExec("ip", ["netns", "del", ns]);
  }
}

/** Milliseconds of each `nft -f` (apply) and each listing (the drift check's rule baseline) since the last reset. */
interface NftTimes {
  apply: number[];
  list: number[];
}

/** The backend with the time of every `nft` run recorded in `times`. */
function timedBackend(backend: NftBackend): { backend: NftBackend; times: NftTimes } {
  const times: NftTimes = { apply: [], list: [] };
  const timed = <A extends unknown[], R>(f: ((...a: A) => Promise<R>) | undefined, into: number[]) =>
    f &&
    (async (...a: A): Promise<R> => {
      const t = performance.now();
      const r = await f(...a);
      into.push(since(t));
      return r;
    });
  const wrapped: NftBackend = {
    ...backend,
    apply: timed(backend.apply.bind(backend), times.apply) as NftBackend["apply"],
    listTable: timed(backend.listTable.bind(backend), times.list) as NftBackend["listTable"],
    listRules: timed(backend.listRules?.bind(backend), times.list),
    listChain: timed(backend.listChain?.bind(backend), times.list),
  };
  return { backend: wrapped, times };
}

/** Compiles and renders the edit (decoded beforehand, as the agent's store holds it), syncs to it (timed), syncs back to the base. */
async function measureEdit(
  dp: Datapath,
  times: NftTimes,
  snapshot: Snapshot,
  base: NodeRuleset,
  out: { sync: number[]; nftApply: number[]; listing: number[]; commands: number; compileRender: number[] },
): Promise<void> {
  global.gc?.();
  let t = performance.now();
  const edited = renderNode(compileNode(snapshot));
  out.compileRender.push(since(t));
  // The previous sync's baseline listing runs after it returned: wait for it before timing.
  await dp.settled();
  times.apply.length = 0;
  times.list.length = 0;
  t = performance.now();
  const r = await dp.sync(edited);
  out.sync.push(since(t));
  out.nftApply.push(times.apply.reduce((a, b) => a + b, 0));
  await dp.settled();
  out.listing.push(times.list.reduce((a, b) => a + b, 0));
  if (r.kind === "failed") throw new Error(`sync failed: ${r.error}`);
  out.commands = r.kind === "unchanged" ? 0 : r.commands;
  const back = await dp.sync(base);
  if (back.kind === "failed") throw new Error(`sync back failed: ${back.error}`);
}
