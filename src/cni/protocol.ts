/**
 * The messages between the CNI plugin and the node agent, over the agent's unix socket
 * (HTTP/1.1, JSON bodies): `POST /v1/add`, `POST /v1/del`, `POST /v1/check`, `GET /v1/status`.
 */

/** ADD: a sandbox of pod `namespace/name` got `ips` on its interface; `hostVeth` is the host end. */
export interface CniAddRequest {
  readonly containerId: string;
  readonly namespace: string;
  readonly name: string;
  readonly ips: readonly string[];
  readonly hostVeth?: string;
}

/** DEL: forget a sandbox. */
export interface CniDelRequest {
  readonly containerId: string;
}

/** CHECK: is the sandbox programmed? */
export interface CniCheckRequest {
  readonly containerId: string;
}

/** The agent's answer. `retry` marks failures the runtime should retry (not ready, timed out). */
export type CniReply =
  { readonly ok: true } | { readonly ok: false; readonly error: string; readonly retry?: boolean };

/** Default socket path, shared by the agent flag and the plugin config. */
export const DEFAULT_CNI_SOCKET = "/run/netguard/cni.sock";
