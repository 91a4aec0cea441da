import { describe, expect, it } from "vitest";
import { applyCommands, type NftErrorKind } from "./apply.js";
import { type Command, Transaction } from "./transaction.js";
import { nsRun, withNetns } from "../../test/support/netns.js";
import {
  add,
  addMap,
  addSet,
  base,
  BASE,
  chain,
  del,
  HOOK,
  jumpLine,
  named,
  rule,
} from "../../test/support/nft-commands.js";
import { describeAsRoot } from "../../test/support/root.js";
import { systemExec } from "../sys/exec.js";
import { classifyNftError, errorLine } from "./nft-errors.js";

// Every expectation below was measured with nft 1.0.6 (kernel 6.18) in a throwaway network
// namespace: the script = BASE (test/support/nft-commands.ts) + the case's commands, run with
// `nft -f`. The comment on each case is the first error line nft printed (file:line:column left out).

/** Chains l1 and l2 jumping to each other: a loop. */
function loop(): Command[] {
  return [chain("l1"), chain("l2"), rule("l1", "jump l2"), rule("l2", "jump l1")];
}

/** A case: what it is, its commands after BASE, the kind of refusal and the refused command's index. */
type Refusal = [string, Command[], NftErrorKind, number];

const REFUSALS: Refusal[] = [
  // Error: No such file or directory; did you mean chain ‘bc’ in table inet ‘t’?
  ["a rule jumping to a missing chain", [rule("a", "jump nope")], "no-such-object", 0],
  ["a rule going to a missing chain", [rule("a", "goto nope")], "no-such-object", 0],
  // Error: No such file or directory; did you mean set ‘pp’ in table inet ‘t’?
  ["a rule naming a missing set", [rule("a", "ip saddr @nope accept")], "no-such-object", 0],
  ["a rule naming a missing map", [rule("a", "ip saddr vmap @nope")], "no-such-object", 0],
  // Error: No such file or directory (for `counter name nope` and `counter name "nope"`)
  ["a rule naming a missing counter", [rule("a", "counter name nope drop")], "no-such-object", 0],
  ["a set name is not a counter", [rule("a", "counter name s4 drop")], "no-such-object", 0],
  ["a counter name is not a set", [rule("a", "ip saddr @c accept")], "no-such-object", 0],
  // Error: Expression is not a map
  ["vmap on a plain set", [rule("a", "ip saddr vmap @s4")], "type", 0],
  // Error: Could not process rule: Operation not supported
  ["a rule jumping to a base chain", [rule("a", "jump bc")], "invalid", 0],
  ["a map element jumping to a base chain", [add("m4", "10.0.0.1 : jump bc")], "invalid", 0],
  // Error: Could not process rule: No such file or directory
  ["a map element jumping to a missing chain", [add("m4", "10.0.0.1 : jump nope")], "no-such-object", 0],
  ["a rule in a missing chain", [rule("nope", "accept")], "no-such-object", 0],
  // Error: Could not process rule: Device or resource busy
  ["deleting a chain a rule jumps to", [rule("bc", "jump a"), named("delete-chain", "a")], "busy", 1],
  ["deleting a chain jumping to itself", [rule("a", "jump a"), named("delete-chain", "a")], "busy", 1],
  [
    "deleting a chain a map element jumps to",
    [add("m4", "10.0.0.1 : jump a"), named("delete-chain", "a")],
    "busy",
    1,
  ],
  ["deleting a set a rule names", [rule("a", "ip saddr @s4 accept"), named("delete-set", "s4")], "busy", 1],
  ["deleting a map a rule names", [rule("a", "ip saddr vmap @m4"), named("delete-map", "m4")], "busy", 1],
  [
    "deleting a counter a rule names",
    [rule("a", "counter name c drop"), named("delete-counter", "c")],
    "busy",
    1,
  ],
  // Error: Could not resolve hostname: Address family for hostname not supported
  ["an IPv6 address in an ipv4_addr set", [add("s4", "fe80::1")], "type", 0],
  ["an IPv6 key in an ipv4_addr map", [add("m4", "fe80::1 : accept")], "type", 0],
  // Error: Service out of range
  ["a port over 65535", [add("pp", "tcp . 70000")], "type", 0],
  // Error: You must add 'flags interval' to your set declaration if you want to add prefix elements
  ["a prefix in a plain set", [add("s4", "10.0.0.0/24")], "invalid", 0],
  // Error: ... if you want to add range elements
  ["a range in a plain set", [add("s4", "10.0.0.1-10.0.0.5")], "invalid", 0],
  ["a range in a plain concatenation", [add("ep", "10.0.0.1 . tcp . 80-90")], "invalid", 0],
  // Error: Range has zero or negative size
  ["a reversed range", [add("pp", "tcp . 90-80")], "invalid", 0],
  // Error: conflicting intervals specified
  ["an address inside an interval", [add("i4", "10.0.0.0/24"), add("i4", "10.0.0.5")], "exists", 1],
  ["overlapping intervals in one command", [add("i4", "10.0.0.0/24", "10.0.0.5")], "exists", 0],
  ["overlapping IPv6 intervals", [add("i6", "fe80::/10"), add("i6", "fe80::1")], "exists", 1],
  // Error: Could not process rule: File exists (the kernel's pipapo set backend)
  ["overlapping concatenated intervals", [add("pp", "tcp . 80-90"), add("pp", "tcp . 85")], "exists", 1],
  // Error: Could not process rule: File exists
  [
    "a map key added again with another verdict",
    [add("m4", "10.0.0.1 : accept"), add("m4", "10.0.0.1 : drop")],
    "exists",
    1,
  ],
  [
    "one key with two verdicts in one command",
    [add("m4", "10.0.0.1 : accept", "10.0.0.1 : drop")],
    "exists",
    0,
  ],
  ["a set of another type over a set", [addSet("s4", "ipv6_addr")], "exists", 0],
  ["a set with other flags over a set", [addSet("s4", "ipv4_addr", true)], "exists", 0],
  ["a map of another key type over a map", [addMap("m4", "ipv6_addr")], "exists", 0],
  ["a set over a map", [addSet("m4", "ipv4_addr")], "exists", 0],
  // Error: Could not process rule: Invalid argument
  ["a map element without a verdict", [add("m4", "10.0.0.1")], "invalid", 0],
  // Error: set is not a map
  ["a verdict element in a plain set", [add("s4", "10.0.0.1 : accept")], "type", 0],
  // Error: Could not process rule: No such file or directory
  ["deleting an element that is not there", [del("s4", "10.0.0.1")], "no-such-object", 0],
  [
    "deleting an element twice in one command",
    [add("s4", "10.0.0.1"), del("s4", "10.0.0.1", "10.0.0.1")],
    "no-such-object",
    1,
  ],
  // Error: element does not exist
  ["deleting part of an interval", [add("i4", "10.0.0.0/24"), del("i4", "10.0.0.0/25")], "no-such-object", 1],
  // Error: No such file or directory (delete set/map/chain/counter, flush chain, add element)
  ["deleting a missing set", [named("delete-set", "nope")], "no-such-object", 0],
  ["deleting a missing map", [named("delete-map", "nope")], "no-such-object", 0],
  ["deleting a missing chain", [named("delete-chain", "nope")], "no-such-object", 0],
  ["deleting a missing counter", [named("delete-counter", "nope")], "no-such-object", 0],
  ["flushing a missing chain", [named("flush-chain", "nope")], "no-such-object", 0],
  ["adding an element to a missing set", [add("nope", "10.0.0.1")], "no-such-object", 0],
  [
    "deleting a missing table",
    [{ op: "delete-table", table: { family: "inet", name: "nope" } }],
    "no-such-object",
    0,
  ],
  [
    "a set in a missing table",
    [
      {
        op: "add-set",
        table: { family: "inet", name: "nope" },
        set: { name: "s", type: "ipv4_addr", interval: false, elements: [] },
      },
    ],
    "no-such-object",
    0,
  ],
  [
    "a chain in a missing table",
    [{ op: "add-chain", table: { family: "inet", name: "nope" }, chain: { name: "c", rules: [] } }],
    "no-such-object",
    0,
  ],
  [
    "a counter in a missing table",
    [{ op: "add-counter", table: { family: "inet", name: "nope" }, name: "c" }],
    "no-such-object",
    0,
  ],
  // Error: Could not process rule: Operation not supported
  [
    "a base chain over a base chain with another hook",
    [chain("bc", { ...HOOK, hook: "input" })],
    "invalid",
    0,
  ],
  [
    "a base chain over a base chain with another priority",
    [chain("bc", { ...HOOK, priority: 5 })],
    "invalid",
    0,
  ],
  ["a base chain over a regular chain", [chain("a", { ...HOOK, hook: "input" })], "invalid", 0],
  // A rule may only name a set defined before it: Error: No such file or directory
  [
    "a rule naming a set defined after it",
    [rule("a", "ip saddr @later accept"), addSet("later", "ipv4_addr")],
    "no-such-object",
    0,
  ],
  // Error: Could not process rule: File exists (a concatenated interval whose start or end lies in another)
  [
    "a concatenated interval starting in another",
    [add("pp", "tcp . 80-90"), add("pp", "tcp . 85-95")],
    "exists",
    1,
  ],
  [
    "a concatenated interval ending in another",
    [add("pp", "tcp . 80-90"), add("pp", "tcp . 70-85")],
    "exists",
    1,
  ],
  [
    "a concatenation starting in another in one command",
    [add("pp", "6-17 . 80-90", "tcp . 85-100")],
    "exists",
    0,
  ],
  // Error: datatype mismatch, expected IPv4 address, expression has type IPv6 address
  ["an IPv6 set after ip saddr", [rule("a", "ip saddr @i6 accept")], "type", 0],
  ["an IPv4 set after ip6 saddr !=", [rule("a", "ip6 saddr != @s4 drop")], "type", 0],
  ["an IPv6 set after ip saddr, then garbage words", [rule("a", "ip saddr @i6 acceptt garbage")], "type", 0],
  // Error: datatype mismatch, map expects IPv6 address, mapping expression has type IPv4 address
  ["an IPv6 map after ip saddr vmap", [addMap("m6", "ipv6_addr"), rule("a", "ip saddr vmap @m6")], "type", 1],
  // Error: datatype mismatch, expected concatenation of (IPv4 address, internet network service), …
  [
    "a protocol . port set after ip daddr . th dport",
    [rule("a", "ip daddr . th dport @pp accept")],
    "type",
    0,
  ],
  [
    "an address . protocol . port set after meta l4proto . th dport",
    [rule("a", "meta l4proto . th dport @ep accept")],
    "type",
    0,
  ],
  // Error: datatype mismatch, expected network interface name, expression has type IPv4 address
  ["an address set after iifname", [rule("a", "iifname @s4 accept")], "type", 0],
  ["an interface set after icmpv6 type", [rule("a", "icmpv6 type @ifs accept")], "type", 0],
  // Error: Could not resolve hostname: Address family for hostname not supported
  ["an IPv6 address after ip saddr", [rule("a", "ip saddr fd00::1 accept")], "type", 0],
  [
    "an IPv6 key in an anonymous vmap after ip saddr",
    [rule("a", "ip saddr vmap { fd00::1 : accept }")],
    "type",
    0,
  ],
  // Error: Could not parse conntrack state
  ["an unknown conntrack state", [rule("a", "ct state bogus accept")], "type", 0],
  // Error: syntax error, unexpected newline (or unexpected <word>)
  ["a word after the verdict", [rule("a", "ip saddr @s4 accept garbage")], "invalid", 0],
  ["a word nft does not know", [rule("a", "ip saddr @s4 frobnicate")], "invalid", 0],
  // Error: Could not process rule: Too many links (EMLINK: 16 jumps below a base chain, or a loop it reaches)
  ["the 16th jump below a base chain", jumpLine(16), "invalid", 31],
  ["a rule letting a base chain reach a loop", [...loop(), rule("bc", "jump l1")], "invalid", 4],
  [
    "a map element closing a loop through vmap",
    [...loop(), rule("bc", "ip saddr vmap @m4"), add("m4", "10.0.0.1 : goto l1")],
    "invalid",
    5,
  ],
];

describe("applyCommands refuses what nft 1.0.6 refuses", () => {
  it.each(REFUSALS)("%s", (_name, commands, kind, index) => {
    const before = base();
    const r = applyCommands(before, commands);
    expect(r.ok ? "accepted" : { kind: r.error.kind, index: r.error.index }).toEqual({ kind, index });
  });
});

describeAsRoot("nft 1.0.6 itself refuses each case the same way", () => {
  it("gives the same kind of error for the same command", async () => {
    const baseLines = new Transaction();
    for (const c of BASE) baseLines.add(c);
    const offset = baseLines.render().split("\n").length - 1;
    await withNetns(async (ns) => {
      const seen: string[] = [];
      for (const [name, commands, kind, index] of REFUSALS) {
        const txn = new Transaction();
        for (const c of [...BASE, ...commands]) txn.add(c);
        const r = await systemExec("ip", ["netns", "exec", ns, "nft", "-f", "-"], { input: txn.render() });
        const line = errorLine(r.stderr);
        // nft names the set's declaration, not the element, for "set is not a map".
        const at = line !== undefined && line > offset ? line - offset - 1 : "declaration";
        seen.push(`${name}: ${r.code === 0 ? "accepted" : `${classifyNftError(r.stderr)} at ${at}`}`);
        expect(seen.at(-1)).toMatch(new RegExp(`: ${kind} at (${index}|declaration)$`));
        await nsRun(ns, "nft", ["flush", "ruleset"]);
      }
    }, "refusals");
  });
});
