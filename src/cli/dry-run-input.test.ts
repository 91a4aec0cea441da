import { describe, expect, it } from "vitest";
import type { DryRunView } from "../policy/dry-run-view.js";
import { viewNotes } from "./dry-run-input.js";

const view = (hostNetwork: string[]): DryRunView => ({
  snapshot: { namespaces: new Map(), pods: [], policies: [], nodes: new Map(), clusterPolicies: [] },
  owners: new Map(),
  terminated: 0,
  hostNetwork,
  hasWorkloads: false,
  superseded: 0,
});

describe("viewNotes", () => {
  it("names a host-network entry clipped, never echoing a huge name whole (a fuzz find)", () => {
    const huge = `monitoring/DaemonSet/${"v".repeat(20_000)}`;
    const [note] = viewNotes(view([huge, "kube-system/node-exporter"]));
    expect(note).toMatch(
      /^host network: monitoring\/DaemonSet\/v+… \(20021 characters\), kube-system\/node-exporter: /,
    );
    expect(note?.length).toBeLessThan(300);
  });
});
