/**
 * The messages between the CNI plugin and the node agent, over the agent's unix socket
 * (HTTP/1.1, JSON bodies of at most MAX_CNI_BODY bytes): `POST /v1/add`, `POST /v1/del`,
 * `POST /v1/check`, `POST /v1/gc`, `GET /v1/status`.
 */

/**
 * ADD: a sandbox of pod `namespace/name` got `ips` on its interface; `hostVeth` is the host end;
 * `podUid` is CNI_ARGS' `K8S_POD_UID` when the runtime passes it.
 */
export interface CniAddRequest {
  readonly containerId: string;
  readonly namespace: string;
  readonly name: string;
  readonly ips: readonly string[];
  readonly hostVeth?: string;
  readonly podUid?: string;
}

/** DEL: forget a sandbox. */
export interface CniDelRequest {
  readonly containerId: string;
}

/** CHECK: is the sandbox programmed? */
export interface CniCheckRequest {
  readonly containerId: string;
}

/**
 * GC (CNI spec 1.1): the runtime's `cni.dev/valid-attachments`, the sandboxes still attached to
 * this network; the agent forgets every other one.
 */
export interface CniGcRequest {
  /** The container IDs of `cni.dev/valid-attachments`. */
  readonly validContainerIds: readonly string[];
}

/** The agent's answer. `retry` marks failures the runtime should retry (not ready, timed out). */
export type CniReply =
  { readonly ok: true } | { readonly ok: false; readonly error: string; readonly retry?: boolean };

/** Default socket path, shared by the agent flag and the plugin config. */
export const DEFAULT_CNI_SOCKET = "/run/netguard/cni.sock";

/**
 * Largest request body the agent reads (bytes); a larger one is refused with 413. A GC listing
 * ~3,500 sandboxes of 64-hex container IDs fits.
 */
export const MAX_CNI_BODY = 256 * 1024;
