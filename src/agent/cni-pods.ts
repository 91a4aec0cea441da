/**
 * The agent's handling of CNI requests: registers sandboxes, makes sure the pod and its namespace's
 * policies are known, has the rules applied, and answers only once they are in the kernel.
 */
import { CoreV1Api, type KubeConfig, NetworkingV1Api } from "@kubernetes/client-node";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Logger } from "pino";
import type { CniAddRequest, CniCheckRequest, CniDelRequest, CniReply } from "../cni/protocol.js";
import type { NodeRules } from "../compile/ir.js";
import type { SyncResult } from "../datapath/datapath.js";
import { refOf } from "../k8s/model.js";
import { formatAddr } from "../net/address.js";
import { CniRegistry } from "./cni-registry.js";
import type { CniHandler } from "./cni-server.js";
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

/** CNI registrations plus the request handlers. */
export class CniPods implements CniHandler {
  readonly registry: CniRegistry;
  private readonly core: CoreV1Api;
  private readonly net: NetworkingV1Api;

  constructor(
    kc: KubeConfig,
    private readonly store: ClusterStore,
    private readonly nodeName: string,
    private readonly stateFile: string | undefined,
    private readonly log: Logger,
    private readonly hooks: CniAgentHooks,
  ) {
    this.registry = loadRegistry(stateFile, log);
    this.core = kc.makeApiClient(CoreV1Api);
    this.net = kc.makeApiClient(NetworkingV1Api);
  }

  /** CNI ADD: register the sandbox, make sure the pod's labels are known, apply, confirm. */
  async cniAdd(req: CniAddRequest): Promise<CniReply> {
    if (!this.hooks.ready())
      return { ok: false, error: "the agent is still listing the cluster", retry: true };
    const ref = `${req.namespace}/${req.name}`;
    if (!this.store.snapshot().pods.some((p) => refOf(p) === ref)) {
      try {
        const pod = await this.core.readNamespacedPod({ namespace: req.namespace, name: req.name });
        this.store.upsert("Pod", pod);
      } catch (e) {
        return {
          ok: false,
          error: `pod ${ref} is not known and could not be fetched: ${(e as Error).message}`,
          retry: true,
        };
      }
    }
    // Policies created just before this pod started may not have reached the informer yet: read
    // the namespace's policies now, so the pod's first packets already meet them.
    try {
      const fresh = await this.net.listNamespacedNetworkPolicy({ namespace: req.namespace });
      for (const p of fresh.items) this.store.upsert("NetworkPolicy", p);
    } catch (e) {
      return {
        ok: false,
        error: `cannot read the NetworkPolicies of ${req.namespace}: ${(e as Error).message}`,
        retry: true,
      };
    }
    this.registry.add({
      containerId: req.containerId,
      namespace: req.namespace,
      name: req.name,
      ips: [...req.ips],
      ...(req.hostVeth ? { hostVeth: req.hostVeth } : {}),
    });
    this.saveRegistry();
    const result = await this.hooks.syncNow();
    if (result.kind === "failed")
      return { ok: false, error: `applying the pod's rules failed: ${result.error}`, retry: true };
    return this.programmed(req.containerId)
      ? { ok: true }
      : { ok: false, error: `pod ${ref} is not a policy target on node ${this.nodeName}`, retry: true };
  }

  /** CNI DEL: forget the sandbox (never blocks: the sync follows asynchronously). */
  async cniDel(req: CniDelRequest): Promise<CniReply> {
    if (this.registry.remove(req.containerId)) {
      this.saveRegistry();
      this.hooks.syncSoon();
    }
    return { ok: true };
  }

  /** CNI CHECK: is the sandbox registered and its pod in the rules in force? */
  async cniCheck(req: CniCheckRequest): Promise<CniReply> {
    return this.programmed(req.containerId)
      ? { ok: true }
      : { ok: false, error: `sandbox ${req.containerId} is not programmed by this agent` };
  }

  /** CNI STATUS: ready to program pods? */
  cniStatus(): CniReply {
    const why = this.hooks.notReady();
    return why ? { ok: false, error: why, retry: true } : { ok: true };
  }

  private programmed(containerId: string): boolean {
    const reg = this.registry.get(containerId);
    const applied = this.hooks.applied();
    if (!reg || !applied) return false;
    const pod = applied.pods.find((p) => p.ref === `${reg.namespace}/${reg.name}`);
    return !!pod && reg.ips.every((ip) => pod.addrs.some((a) => formatAddr(a) === ip));
  }

  private saveRegistry(): void {
    const file = this.stateFile;
    if (!file) return;
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp`, JSON.stringify(this.registry.toJSON()));
      renameSync(`${file}.tmp`, file);
    } catch (e) {
      this.log.warn({ file, error: (e as Error).message }, "cannot save CNI registrations");
    }
  }
}

function loadRegistry(file: string | undefined, log: Logger): CniRegistry {
  if (!file) return new CniRegistry();
  try {
    return CniRegistry.fromJSON(JSON.parse(readFileSync(file, "utf8")) as unknown);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT")
      log.warn({ file, error: (e as Error).message }, "ignoring unreadable CNI state");
    return new CniRegistry();
  }
}
