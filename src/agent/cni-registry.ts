/**
 * What the CNI plugin told the agent about local pods: for each sandbox (container ID) the pod it
 * belongs to, its IPs and its host-side veth. The agent uses these addresses at once, before the
 * Pod's status carries them, and the veths for anti-spoofing. Kept on disk (under /run) so a
 * restarted agent still knows the veths of pods that were already running.
 */
import type { Pod, Snapshot } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";
import { type Addr, parseAddr } from "../net/address.js";

/** One sandbox as CNI ADD reported it. */
export interface CniPod {
  readonly containerId: string;
  readonly namespace: string;
  readonly name: string;
  readonly ips: readonly string[];
  readonly hostVeth?: string;
}

/** Registrations by container ID. */
export class CniRegistry {
  private readonly byContainer = new Map<string, CniPod>();

  add(p: CniPod): void {
    this.byContainer.set(p.containerId, p);
  }

  /** Removes a sandbox; returns whether it was known (DEL is idempotent either way). */
  remove(containerId: string): boolean {
    return this.byContainer.delete(containerId);
  }

  get(containerId: string): CniPod | undefined {
    return this.byContainer.get(containerId);
  }

  /** Host veth of each registered pod, by `namespace/name` (for the anti-spoofing table). */
  interfaces(): Map<string, string> {
    const out = new Map<string, string>();
    for (const p of this.sorted()) if (p.hostVeth) out.set(`${p.namespace}/${p.name}`, p.hostVeth);
    return out;
  }

  /**
   * The snapshot with CNI's knowledge laid over it: a registered pod runs on `node` with the IPs its
   * sandbox got, even if the API has not reported them yet. Pods the API does not know are left out
   * (their labels are unknown; the agent fetches them before confirming an ADD).
   */
  overlay(snapshot: Snapshot, node: string): Snapshot {
    if (this.byContainer.size === 0) return snapshot;
    const byRef = new Map(this.sorted().map((p) => [`${p.namespace}/${p.name}`, p]));
    const pods = snapshot.pods.map((pod): Pod => {
      const reg = byRef.get(refOf(pod));
      if (!reg || pod.nonTarget === "host-network" || pod.nonTarget === "terminated") return pod;
      const ips = reg.ips.map((t) => parseAddr(t)).filter((a): a is Addr => a !== undefined);
      if (ips.length === 0) return pod;
      const { nonTarget: _dropped, ...rest } = pod;
      return { ...rest, nodeName: node, ips };
    });
    return { ...snapshot, pods };
  }

  /** Serialized form for the state file. */
  toJSON(): CniPod[] {
    return this.sorted();
  }

  /** Restores registrations from the state file's content; ignores malformed entries. */
  static fromJSON(value: unknown): CniRegistry {
    const r = new CniRegistry();
    if (!Array.isArray(value)) return r;
    for (const e of value as unknown[]) {
      if (typeof e !== "object" || e === null) continue;
      const o = e as Record<string, unknown>;
      if (typeof o.containerId !== "string" || typeof o.namespace !== "string" || typeof o.name !== "string")
        continue;
      const ips = Array.isArray(o.ips) ? o.ips.filter((x): x is string => typeof x === "string") : [];
      r.add({
        containerId: o.containerId,
        namespace: o.namespace,
        name: o.name,
        ips,
        ...(typeof o.hostVeth === "string" ? { hostVeth: o.hostVeth } : {}),
      });
    }
    return r;
  }

  private sorted(): CniPod[] {
    return [...this.byContainer.values()].sort((a, b) =>
      a.containerId < b.containerId ? -1 : a.containerId > b.containerId ? 1 : 0,
    );
  }
}
