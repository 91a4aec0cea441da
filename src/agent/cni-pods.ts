/**
 * The agent's handling of CNI requests: registers sandboxes, makes sure the pod and its namespace's
 * policies are known, has the rules applied, and answers only once they are in the kernel. Keeps
 * the registrations honest: a DEL during an ADD, or a plugin that gave up waiting, leaves nothing
 * registered; GC and `prune` drop sandboxes that are gone.
 */
import type { Logger } from "pino";
import type {
  CniAddRequest,
  CniCheckRequest,
  CniDelRequest,
  CniGcRequest,
  CniReply,
} from "../cni/protocol.js";
import type { NodeRules } from "../compile/ir.js";
import type { SyncResult } from "../datapath/datapath.js";
import type { Snapshot } from "../k8s/model.js";
import { isObject } from "../k8s/fields.js";
import type { KubeReader } from "../api-client/raw-api.js";
import { formatAddr, parseAddr } from "../net/address.js";
import type { ResolvedAddresses } from "./address-conflicts.js";
import { type CniPod, CniRegistry, type PodIdentity } from "./cni-registry.js";
import type { CniHandler } from "./cni-server.js";
import { SavedRegistrations } from "./cni-saved.js";
import type { CniStateFile } from "./cni-state.js";
import type { ClusterStore } from "./store.js";

/** What CNI handling needs from the rest of the agent. */
export interface CniAgentHooks {
  /** Every watched kind has been listed. */
  ready(): boolean;
  notReady(): string | undefined;
  /** Runs a sync now (after any in progress) and returns its result. */
  syncNow(): Promise<SyncResult>;
  /** Schedules a sync through the coalescing loop. */
  syncSoon(): void;
  /** The rules in force, or undefined when the kernel may not hold them. */
  applied(): NodeRules | undefined;
}

/**
 * How long a new registration is spared by `prune`: the informers' pods may have been listed just
 * before the ADD fetched its pod.
 */
export const CNI_GRACE_MS = 60_000;

/** The collaborators of CniPods. */
export interface CniPodsDeps {
  /** Reads the ADD's pod and its namespace's policies from the API server. */
  readonly reader: KubeReader;
  readonly store: ClusterStore;
  readonly nodeName: string;
  /** Keeps registrations across restarts; undefined: in memory only. */
  readonly state: CniStateFile | undefined;
  readonly log: Logger;
  readonly hooks: CniAgentHooks;
  /** Milliseconds since the epoch (registration times, the prune grace). */
  readonly now: () => number;
}

/** CNI registrations plus the request handlers; `load` reads the state file before first use. */
export class CniPods implements CniHandler {
  private current = new CniRegistry();
  /** ADDs being handled, by container ID: `deleted` once a DEL or GC arrived for the sandbox. */
  private readonly inFlight = new Map<string, { deleted: boolean }>();
  /** The conflicts last logged (logged again only when they change). */
  private lastConflicts = "[]";
  private readonly saves: SavedRegistrations;

  constructor(private readonly deps: CniPodsDeps) {
    this.saves = new SavedRegistrations(deps.state, deps.log);
  }

  /** The registrations. */
  get registry(): CniRegistry {
    return this.current;
  }

  /** Reads the registrations a previous run kept (an unreadable file is logged and ignored). */
  async load(): Promise<void> {
    this.current = await this.saves.load();
  }

  /** Resolves once every write of the state file asked for so far has ended. */
  saved(): Promise<void> {
    return this.saves.saved();
  }

  /** CNI ADD: register the sandbox, make sure the pod's labels are known, apply, confirm. */
  async cniAdd(req: CniAddRequest, signal?: AbortSignal): Promise<CniReply> {
    if (!this.deps.hooks.ready())
      return { ok: false, error: "the agent is still listing the cluster", retry: true };
    const mark = { deleted: false };
    this.inFlight.set(req.containerId, mark);
    try {
      const known = await this.learn(req);
      if (known) return known;
      if (mark.deleted || signal?.aborted)
        return { ok: false, error: `sandbox ${req.containerId} was deleted during its ADD`, retry: true };
      await this.register(req); // on disk before the pod's rules: a restart still knows its veth
      const result = await this.deps.hooks.syncNow();
      if (signal?.aborted || mark.deleted) {
        this.forget(req.containerId); // the plugin gave up: the runtime treats the ADD as failed
        return { ok: false, error: "the plugin stopped waiting", retry: true };
      }
      if (result.kind === "failed")
        return { ok: false, error: `applying the pod's rules failed: ${result.error}`, retry: true };
      return this.programmed(req.containerId)
        ? { ok: true }
        : {
            ok: false,
            error: `pod ${req.namespace}/${req.name} is not a policy target on node ${this.deps.nodeName}`,
            retry: true,
          };
    } finally {
      if (this.inFlight.get(req.containerId) === mark) this.inFlight.delete(req.containerId);
    }
  }

  /**
   * CNI DEL: forget the sandbox; replies once the state file no longer holds it (a restart must not
   * bring it back), without waiting for the sync, which follows asynchronously.
   */
  async cniDel(req: CniDelRequest): Promise<CniReply> {
    const pending = this.inFlight.get(req.containerId);
    if (pending) pending.deleted = true;
    this.forget(req.containerId);
    await this.saved();
    return { ok: true };
  }

  /** CNI CHECK: is the sandbox registered and its pod in the rules in force? */
  cniCheck(req: CniCheckRequest): Promise<CniReply> {
    return Promise.resolve(
      this.programmed(req.containerId)
        ? { ok: true }
        : { ok: false, error: `sandbox ${req.containerId} is not programmed by this agent` },
    );
  }

  /** CNI STATUS: ready to program pods? */
  cniStatus(): CniReply {
    const why = this.deps.hooks.notReady();
    return why ? { ok: false, error: why, retry: true } : { ok: true };
  }

  /**
   * CNI GC (spec 1.1): forgets every sandbox not among the runtime's `cni.dev/valid-attachments`,
   * except ADDs still in flight (the runtime records a sandbox before its ADD, so a finished ADD
   * of a live sandbox is in the list). Replies once the state file no longer holds what it dropped.
   */
  async cniGc(req: CniGcRequest): Promise<CniReply> {
    const valid = new Set([...req.validContainerIds, ...this.inFlight.keys()]);
    this.dropped(this.registry.gc(valid), "CNI GC");
    await this.saved();
    return { ok: true };
  }

  /**
   * Drops registrations (older than CNI_GRACE_MS) whose pod is not among `pods` — the complete set
   * the informers listed, e.g. `store.snapshot().pods` — or is bound to another node, or carries
   * another UID. Does nothing before every kind has been listed. Returns what it dropped.
   */
  prune(pods: Iterable<PodIdentity>): readonly CniPod[] {
    if (!this.deps.hooks.ready()) return [];
    return this.dropped(
      this.registry.prune(pods, this.deps.nodeName, this.deps.now() - CNI_GRACE_MS),
      "pod gone",
    );
  }

  /**
   * The snapshot to compile: CNI's registrations laid over it, each local address given to one pod
   * (see address-conflicts.ts). Conflicts are logged when they change and returned for metrics.
   */
  view(snapshot: Snapshot): ResolvedAddresses {
    const r = this.registry.overlayWithConflicts(snapshot, this.deps.nodeName);
    const text = JSON.stringify(r.conflicts);
    if (text !== this.lastConflicts && r.conflicts.length > 0)
      this.deps.log.warn(
        { conflicts: r.conflicts },
        "local pods share addresses; only the CNI owner keeps one",
      );
    this.lastConflicts = text;
    return r;
  }

  /** Makes sure the pod and its namespace's policies are known; a reply when the ADD cannot go on. */
  private async learn(req: CniAddRequest): Promise<CniReply | undefined> {
    const ref = `${req.namespace}/${req.name}`;
    const enc = (s: string) => encodeURIComponent(s);
    let pod: unknown; // undefined: not read (the store's version is used); null: it does not exist
    try {
      const got = await this.deps.reader.get(
        `/api/v1/namespaces/${enc(req.namespace)}/pods/${enc(req.name)}`,
      );
      pod = got === undefined ? null : got;
    } catch (e) {
      if (!this.known(ref))
        return {
          ok: false,
          error: `pod ${ref} is not known and could not be fetched: ${String(e)}`,
          retry: true,
        };
    }
    if (pod === null) return { ok: false, error: `pod ${ref} does not exist`, retry: true };
    if (pod !== undefined) {
      const uid = uidOf(pod);
      if (req.podUid && uid && uid !== req.podUid)
        return { ok: false, error: `pod ${ref} is now uid ${uid}, not the sandbox's ${req.podUid}` };
      this.deps.store.upsertFresh("Pod", pod);
    }
    // Policies created just before this pod started may not have reached the informer yet: read
    // the namespace's policies now, so the pod's first packets already meet them. Nothing older
    // than what the informer has seen is applied (a policy deleted meanwhile stays deleted).
    try {
      const list = await this.deps.reader.list(
        `/apis/networking.k8s.io/v1/namespaces/${enc(req.namespace)}/networkpolicies`,
      );
      for (const p of list.items) this.deps.store.upsertFresh("NetworkPolicy", p);
    } catch (e) {
      return {
        ok: false,
        error: `cannot read the NetworkPolicies of ${req.namespace}: ${String(e)}`,
        retry: true,
      };
    }
    return undefined;
  }

  private known(ref: string): boolean {
    return this.deps.store.snapshot().pods.some((p) => `${p.namespace}/${p.name}` === ref);
  }

  private register(req: CniAddRequest): Promise<void> {
    const replaced = this.registry.add({
      containerId: req.containerId,
      namespace: req.namespace,
      name: req.name,
      ips: [...req.ips],
      ...(req.hostVeth ? { hostVeth: req.hostVeth } : {}),
      ...(req.podUid ? { podUid: req.podUid } : {}),
      at: this.deps.now(),
    });
    if (replaced.length > 0) this.logDropped(replaced, "replaced by a newer ADD of the pod");
    return this.saveRegistry();
  }

  private forget(containerId: string): void {
    if (!this.registry.remove(containerId)) return;
    void this.saveRegistry();
    this.deps.hooks.syncSoon();
  }

  private dropped(gone: readonly CniPod[], why: string): readonly CniPod[] {
    if (gone.length === 0) return gone;
    this.logDropped(gone, why);
    void this.saveRegistry();
    this.deps.hooks.syncSoon();
    return gone;
  }

  private logDropped(gone: readonly CniPod[], why: string): void {
    const sandboxes = gone.map((p) => ({ containerId: p.containerId, pod: `${p.namespace}/${p.name}` }));
    this.deps.log.info({ why, sandboxes }, "CNI registrations dropped");
  }

  private programmed(containerId: string): boolean {
    const reg = this.registry.get(containerId);
    const applied = this.deps.hooks.applied();
    if (!reg || !applied) return false;
    const pod = applied.pods.find((p) => p.ref === `${reg.namespace}/${reg.name}`);
    const canonical = (ip: string) => {
      const a = parseAddr(ip);
      return a ? formatAddr(a) : ip;
    };
    return !!pod && reg.ips.every((ip) => pod.addrs.some((a) => formatAddr(a) === canonical(ip)));
  }

  /** Queues a write of the registrations as they are now; a failure is logged, never thrown. */
  private saveRegistry(): Promise<void> {
    return this.saves.save(this.registry);
  }
}

/** `metadata.uid` of a raw object. */
function uidOf(raw: unknown): string | undefined {
  const meta = isObject(raw) && isObject(raw.metadata) ? raw.metadata : {};
  return typeof meta.uid === "string" && meta.uid !== "" ? meta.uid : undefined;
}
