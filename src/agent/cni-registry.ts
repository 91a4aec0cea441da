/**
 * What the CNI plugin told the agent about local pods: for each sandbox (container ID) the pod it
 * belongs to, its IPs and its host-side veth. The agent uses these addresses at once, before the
 * Pod's status carries them, and the veths for anti-spoofing. Kept on disk (under /run) so a
 * restarted agent still knows the veths of pods that were already running.
 *
 * A registration can outlive its sandbox (a DEL sent while the agent was down is lost; an ADD the
 * runtime gave up on is not deleted), so none is trusted for long on its own: a pod has one
 * registration, that of its newest ADD by arrival order (a sequence number that survives restarts);
 * CNI GC drops sandboxes the runtime no longer has; `prune` drops those whose pod left the API or
 * this node, or was re-created under another UID.
 */
import { byFirst, byKey } from "../base/compare.js";
import type { Pod, Snapshot } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";
import { type Addr, addrKey, parseAddr } from "../net/address.js";
import {
  type RegisteredAddrs,
  type ResolvedAddresses,
  resolveAddressConflicts,
} from "./address-conflicts.js";
import { type CniPod, type CniState, parseCniState } from "./cni-state.js";

export type { CniPod } from "./cni-state.js";

/** A pod as the API knows it, for `prune` (`uid` when the decoder keeps `metadata.uid`). */
export interface PodIdentity {
  readonly namespace: string;
  readonly name: string;
  readonly nodeName?: string;
  readonly uid?: string;
}

/** Registrations by container ID, at most one per pod. */
export class CniRegistry {
  private readonly byContainer = new Map<string, CniPod>();
  private lastSeq = 0;

  /**
   * Registers a sandbox (CNI ADD), numbered after every earlier ADD, and drops the pod's older
   * registrations: the newest ADD of a pod is its sandbox. Returns the registrations replaced.
   */
  add(p: Omit<CniPod, "seq">): CniPod[] {
    const ref = `${p.namespace}/${p.name}`;
    const replaced = [...this.byContainer.values()].filter(
      (o) => o.containerId !== p.containerId && `${o.namespace}/${o.name}` === ref,
    );
    for (const o of replaced) this.byContainer.delete(o.containerId);
    this.byContainer.set(p.containerId, { ...p, seq: ++this.lastSeq });
    return replaced;
  }

  /** Removes a sandbox; returns whether it was known (DEL is idempotent either way). */
  remove(containerId: string): boolean {
    return this.byContainer.delete(containerId);
  }

  get(containerId: string): CniPod | undefined {
    return this.byContainer.get(containerId);
  }

  /** All registrations, by container ID. */
  list(): CniPod[] {
    return this.sorted();
  }

  /**
   * CNI GC (spec 1.1, `cni.dev/valid-attachments`): drops every sandbox not in `valid`. Returns them.
   */
  gc(valid: ReadonlySet<string>): CniPod[] {
    return this.drop((p) => !valid.has(p.containerId));
  }

  /**
   * Drops registrations registered before `since` whose pod is not in `pods`, is bound to another
   * node, or carries another UID than the sandbox's (a pod re-created under the same name). Call
   * with the complete set of pods the informers listed. Returns the registrations dropped.
   */
  prune(pods: Iterable<PodIdentity>, node: string, since: number): CniPod[] {
    const byRef = new Map<string, PodIdentity>();
    for (const p of pods) byRef.set(refOf(p), p);
    return this.drop((r) => {
      if (r.at !== undefined && r.at >= since) return false;
      const pod = byRef.get(`${r.namespace}/${r.name}`);
      if (!pod) return true;
      if (pod.nodeName !== undefined && pod.nodeName !== node) return true;
      return pod.uid !== undefined && r.podUid !== undefined && pod.uid !== r.podUid;
    });
  }

  /** Host veth of each registered pod, by `namespace/name`; a veth claimed twice: the newest ADD. */
  interfaces(): Map<string, string> {
    const owner = new Map<string, CniPod>();
    for (const p of this.sorted())
      if (p.hostVeth && (owner.get(p.hostVeth)?.seq ?? -1) < p.seq) owner.set(p.hostVeth, p);
    const out = new Map<string, string>();
    for (const [veth, p] of [...owner].sort(byFirst)) out.set(`${p.namespace}/${p.name}`, veth);
    return out;
  }

  /**
   * The snapshot with CNI's knowledge laid over it: a registered pod runs on `node` with the IPs its
   * sandbox got, even if the API has not reported them yet. Pods the API does not know are left out
   * (their labels are unknown; the agent fetches them before confirming an ADD), and so are pods
   * the API binds to another node. Then each local address goes to one pod (address-conflicts.ts).
   */
  overlay(snapshot: Snapshot, node: string): Snapshot {
    return this.overlayWithConflicts(snapshot, node).snapshot;
  }

  /** `overlay`, with the address conflicts it resolved (for logs and metrics). */
  overlayWithConflicts(snapshot: Snapshot, node: string): ResolvedAddresses {
    const regs = new Map<string, { reg: CniPod; ips: Addr[] }>();
    for (const reg of this.sorted()) {
      const ips = reg.ips.map((t) => parseAddr(t)).filter((a): a is Addr => a !== undefined);
      if (ips.length > 0) regs.set(`${reg.namespace}/${reg.name}`, { reg, ips });
    }
    const overlaid =
      regs.size === 0
        ? snapshot
        : {
            ...snapshot,
            pods: snapshot.pods.map((pod): Pod => {
              const r = regs.get(refOf(pod));
              if (!r || pod.nonTarget === "host-network" || pod.nonTarget === "terminated") return pod;
              if (pod.nodeName !== undefined && pod.nodeName !== node) return pod;
              const { nonTarget: _dropped, ...rest } = pod;
              return { ...rest, nodeName: node, ips: r.ips };
            }),
          };
    return resolveAddressConflicts(overlaid, node, (ref): RegisteredAddrs | undefined => {
      const r = regs.get(ref);
      return r && { seq: r.reg.seq, addrs: new Set(r.ips.map(addrKey)) };
    });
  }

  /** Serialized form for the state file (the sequence counter included, so it never goes back). */
  toJSON(): CniState {
    return { version: 2, seq: this.lastSeq, pods: this.sorted() };
  }

  /** Restores registrations from the state file's content; ignores malformed entries. */
  static fromJSON(value: unknown): CniRegistry {
    const r = new CniRegistry();
    const state = parseCniState(value);
    r.lastSeq = state.seq;
    for (const p of state.pods) {
      r.byContainer.set(p.containerId, p);
      r.lastSeq = Math.max(r.lastSeq, p.seq);
    }
    return r;
  }

  private drop(pred: (p: CniPod) => boolean): CniPod[] {
    const gone = this.sorted().filter(pred);
    for (const p of gone) this.byContainer.delete(p.containerId);
    return gone;
  }

  private sorted(): CniPod[] {
    return [...this.byContainer.values()].sort(byKey((p) => p.containerId));
  }
}
