/**
 * The agent's use of veth discovery (issue 11, finding 4): the veth ↔ pod pairs the kernel shows
 * for this node's pods, learned before the first sync and again on every drift check, so pods
 * that started before the agent (or while Flannel had dropped netguard from the chain) get
 * anti-spoofing too. CNI registrations win: the kernel only fills in pods — and veths — that no
 * CNI ADD named.
 */
import { byFirst } from "../base/compare.js";
import type { Logger } from "pino";
import type { Snapshot } from "../k8s/model.js";
import { formatAddr } from "../net/address.js";
import type { Exec } from "../sys/exec.js";
import { discoverVeths } from "./veth-discovery.js";

/** Where and how to look (the bridge defaults to Flannel's `cni0`). */
export interface KernelVethsOptions {
  readonly exec: Exec;
  readonly netns: string | undefined;
  readonly nodeName: string;
  readonly logger: Logger;
  readonly bridge?: string;
}

/**
 * `cni` (pod ref → veth, from CNI ADDs) with `kernel`'s pairs for the pods and veths it does not
 * name; sorted by pod ref. Pure.
 */
export function mergeInterfaces(
  cni: ReadonlyMap<string, string>,
  kernel: ReadonlyMap<string, string>,
): Map<string, string> {
  const claimed = new Set(cni.values());
  const extra = [...kernel].filter(([ref, veth]) => !cni.has(ref) && !claimed.has(veth)).sort(byFirst);
  return new Map([...cni, ...extra].sort(byFirst));
}

/** This node's pod IPs (canonical text) → `namespace/name`, as the discovery matches them. */
export function localPodIps(snapshot: Snapshot, nodeName: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of snapshot.pods)
    if (p.nodeName === nodeName) for (const a of p.ips) out.set(formatAddr(a), `${p.namespace}/${p.name}`);
  return out;
}

/** The last discovery's pairs; `refresh` runs it again. */
export class KernelVeths {
  private pairs = new Map<string, string>();
  private lastProblems = "";
  private done = false;

  constructor(private readonly opts: KernelVethsOptions) {}

  /** True once a discovery has run. */
  get discovered(): boolean {
    return this.done;
  }

  /** Discovers again; true when the pairs changed. Problems are logged when they change. */
  async refresh(snapshot: Snapshot): Promise<boolean> {
    const { exec, netns, nodeName, logger, bridge } = this.opts;
    const r = await discoverVeths(
      exec,
      { ...(netns ? { netns } : {}), ...(bridge ? { bridge } : {}) },
      localPodIps(snapshot, nodeName),
    );
    this.done = true;
    const problems = r.problems.join("\n");
    if (problems !== this.lastProblems && r.problems.length > 0)
      logger.warn({ problems: r.problems.slice(0, 20) }, "some veths could not be paired with a pod");
    this.lastProblems = problems;
    const before = JSON.stringify([...this.pairs]);
    this.pairs = r.interfaces;
    const changed = JSON.stringify([...this.pairs]) !== before;
    if (changed)
      logger.info(
        { pods: this.pairs.size, fromNeighbours: r.fromNeighbours, unmatched: r.unmatched.length },
        "veths learned from the kernel",
      );
    return changed;
  }

  /** The interfaces to render: CNI's, then the kernel's for what CNI does not name. */
  interfaces(cni: ReadonlyMap<string, string>): Map<string, string> {
    return mergeInterfaces(cni, this.pairs);
  }
}
