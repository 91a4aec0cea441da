import { describe, expect, it } from "vitest";
import { cnpYaml } from "../../test/support/cnp.js";
import { memoryIo } from "../../test/support/memory-io.js";
import { runCli } from "./main.js";

const input = `
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x, labels: {app: a}}
spec: {nodeName: n1}
status: {podIP: 10.0.0.11}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: x}
spec: {podSelector: {}}
`;

/** An Admin policy denying x's pods ingress from namespace y, rule named. */
const adminDeny = `${cnpYaml("no-y", {
  tier: "Admin",
  priority: 5,
  subject: "{namespaces: {matchLabels: {kubernetes.io/metadata.name: x}}}",
  ingress:
    "    - {name: deny-y, action: Deny, from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: y}}}]}",
})}---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: y}
spec: {nodeName: n2}
status: {podIP: 10.0.1.11}
`;

describe("netguard compile", () => {
  it("prints the nft script that replaces netguard's tables on the node", async () => {
    const io = memoryIo({ "c.yaml": input });
    expect(await runCli(io, ["compile", "--node", "n1", "c.yaml"])).toBe(0);
    expect(io.stdout()).toMatch(/^add table inet netguard\ndelete table inet netguard\n/);
    expect(io.stdout()).toContain("add rule inet netguard in/x/a counter name drop/in/x/a drop\n");
    expect(io.stdout()).toContain("add element inet netguard ingress4 { 10.0.0.11 : jump in/x/a }\n");
  });

  it("prints the readable IR with --format ir", async () => {
    const io = memoryIo({ "c.yaml": input });
    expect(await runCli(io, ["compile", "--node", "n1", "--format", "ir", "c.yaml"])).toBe(0);
    expect(io.stdout()).toContain("    ingress: isolated by x/deny\n      drop\n");
  });

  it("prints the Admin tier chain a selected pod jumps to, with the rule's named counter and drop", async () => {
    const io = memoryIo({ "c.yaml": input, "a.yaml": adminDeny });
    expect(await runCli(io, ["compile", "--node", "n1", "c.yaml", "a.yaml"])).toBe(0);
    const out = io.stdout();
    const jump = /add rule inet netguard in\/x\/a jump (admin-in\/[0-9a-f]+)\n/.exec(out);
    expect(jump).not.toBeNull();
    const chain = jump?.[1] ?? "";
    expect(out).toContain(`add chain inet netguard ${chain}\n`);
    expect(out).toMatch(
      new RegExp(
        `add rule inet netguard ${chain} ip saddr @peer4_[0-9a-f]+ counter name cnp/no-y/in/deny-y drop\n`,
      ),
    );
    expect(out.indexOf(`in/x/a jump ${chain}`)).toBeLessThan(
      out.indexOf("in/x/a counter name drop/in/x/a drop"),
    );
  });

  it("prints the pod's Admin tier jump and the tier chain's rules with --format ir", async () => {
    const io = memoryIo({ "c.yaml": input, "a.yaml": adminDeny });
    expect(await runCli(io, ["compile", "--node", "n1", "--format", "ir", "c.yaml", "a.yaml"])).toBe(0);
    const out = io.stdout();
    const jump =
      /\n {4}ingress: admin tier -> (admin-in\/[0-9a-f]+)\n {4}ingress: isolated by x\/deny\n/.exec(out);
    expect(jump).not.toBeNull();
    expect(out).toMatch(
      new RegExp(
        `\\n  tier chain ${jump?.[1] ?? "?"} \\(Admin ingress\\): no-y\\n` +
          ` {4}Deny from @peer4_[0-9a-f]+ any port counter cnp/no-y/in/deny-y \\(no-y spec\\.ingress\\[0\\] "deny-y"\\)\\n`,
      ),
    );
  });

  it("compiles nothing for a node without pods", async () => {
    const node = "apiVersion: v1\nkind: Node\nmetadata: {name: elsewhere}\n";
    const io = memoryIo({ "c.yaml": input, "n.yaml": node });
    expect(await runCli(io, ["compile", "--node", "elsewhere", "c.yaml", "n.yaml"])).toBe(0);
    expect(io.stdout()).not.toContain("jump");
  });

  it("exits 2 for a node that is not in the input, listing those that are, closest first", async () => {
    const node = "apiVersion: v1\nkind: Node\nmetadata: {name: worker-2}\n";
    const io = memoryIo({ "c.yaml": input, "n.yaml": node });
    expect(await runCli(io, ["compile", "--node", "n2", "c.yaml", "n.yaml"])).toBe(2);
    expect(io.stdout()).toBe("");
    expect(io.stderr()).toContain(
      "netguard: node n2 is not in the input; its nodes (closest first): n1, worker-2\n",
    );
  });

  it("exits 2 for any node when the input knows none", async () => {
    const io = memoryIo({ "c.yaml": input.replace("spec: {nodeName: n1}", "spec: {}") });
    expect(await runCli(io, ["compile", "--node", "n1", "c.yaml"])).toBe(2);
    expect(io.stderr()).toContain(
      "node n1 is not in the input: it has no Node object and no pod with spec.nodeName",
    );
  });

  it("exits 2 without --node", async () => {
    expect(await runCli(memoryIo({ "c.yaml": input }), ["compile", "c.yaml"])).toBe(2);
  });
});
