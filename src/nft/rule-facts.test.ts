import { describe, expect, it } from "vitest";
import { ruleFacts, verdictMapsOf } from "./rule-facts.js";

describe("ruleFacts of the rules netguard writes", () => {
  it.each([
    ["accept", { chains: [], sets: [], counters: [], verdict: "accept" }],
    ["ct state established,related accept", { chains: [], sets: [], counters: [], verdict: "accept" }],
    ["ip saddr vmap @egress4", { chains: [], sets: ["egress4"], counters: [], verdict: undefined }],
    [
      "counter name drop/in/shop/web-1 drop",
      { chains: [], sets: [], counters: ["drop/in/shop/web-1"], verdict: "drop" },
    ],
    ['counter name "x" drop', { chains: [], sets: [], counters: ["x"], verdict: "drop" }],
    [
      "ip saddr @podcidr4 ip saddr != @local4 counter name unprogrammed drop",
      { chains: [], sets: ["local4", "podcidr4"], counters: ["unprogrammed"], verdict: "drop" },
    ],
    [
      "ip daddr @s_1 meta l4proto . th dport @p_2 return",
      { chains: [], sets: ["p_2", "s_1"], counters: [], verdict: "return" },
    ],
    [
      "iifname != @pod_veths goto unknown_port",
      { chains: ["unknown_port"], sets: ["pod_veths"], counters: [], verdict: "goto unknown_port" },
    ],
    ['jump "in/a/b"', { chains: ["in/a/b"], sets: [], counters: [], verdict: "jump in/a/b" }],
    [
      "ip daddr vmap { 10.0.0.1 : jump b, 10.0.0.2 : goto a, 10.0.0.3 : jump b }",
      { chains: ["a", "b"], sets: [], counters: [], verdict: undefined },
    ],
    ["counter packets 0 bytes 0 accept", { chains: [], sets: [], counters: [], verdict: "accept" }],
  ])("%s", (text, want) => {
    expect(ruleFacts(text)).toEqual(want);
  });

  it("names the verdict maps a rule dispatches through", () => {
    expect(verdictMapsOf("ip saddr vmap @egress4")).toEqual(["egress4"]);
    expect(verdictMapsOf("ip saddr @local4 accept")).toEqual([]);
  });
});
