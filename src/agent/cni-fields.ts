/**
 * Decoding of what arrives on the CNI socket (and what the state file holds): every field is checked
 * before it reaches the registry, the compiler or an nft script. Errors are values naming the field.
 */
import type { CniAddRequest, CniGcRequest } from "../cni/protocol.js";
import { parseAddr } from "../net/address.js";
import { isVethName } from "../render/bridge.js";
import { isDNS1123Label, isDNS1123Subdomain } from "../validate/api/syntax.js";

/** A field that failed its check: `path` names it (`ips[1]`). */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** Decoded value, or the first field that is wrong. */
export type Decoded<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: FieldError };

/**
 * CNI spec, "Attachment parameters": a container ID must not be empty, starts with an alphanumeric
 * character, followed by alphanumerics, `_`, `.` or `-`. At most 256 characters here.
 */
export function containerIdError(v: unknown): string | undefined {
  if (typeof v !== "string") return "must be a string";
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,255}$/.test(v)
    ? undefined
    : "must start with a letter or digit, continue with letters, digits, '_', '.' or '-', 1-256 characters";
}

const fail = (path: string, message: string): { ok: false; error: FieldError } => ({
  ok: false,
  error: { path, message },
});

/** Body of `POST /v1/del` and `/v1/check`: `{containerId}`. */
export function decodeContainerRequest(body: unknown): Decoded<{ containerId: string }> {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return fail("", "body must be a JSON object");
  const id = (body as Record<string, unknown>).containerId;
  const err = containerIdError(id);
  return err ? fail("containerId", err) : { ok: true, value: { containerId: id as string } };
}

/** Body of `POST /v1/add`. */
export function decodeAddRequest(body: unknown): Decoded<CniAddRequest> {
  const base = decodeContainerRequest(body);
  if (!base.ok) return base;
  const o = body as Record<string, unknown>;
  const ns = typeof o.namespace === "string" ? isDNS1123Label(o.namespace) : ["must be a string"];
  if (ns.length > 0) return fail("namespace", ns.join("; "));
  const name = typeof o.name === "string" ? isDNS1123Subdomain(o.name) : ["must be a string"];
  if (name.length > 0) return fail("name", name.join("; "));
  const ips = decodeIps(o.ips);
  if (!ips.ok) return ips;
  if (o.hostVeth !== undefined && !(typeof o.hostVeth === "string" && isVethName(o.hostVeth)))
    return fail("hostVeth", "must be a Linux interface name: 1-15 of A-Z a-z 0-9 _ . -");
  if (o.podUid !== undefined && !(typeof o.podUid === "string" && /^[A-Za-z0-9_.-]{1,128}$/.test(o.podUid)))
    return fail("podUid", "must be 1-128 of A-Z a-z 0-9 _ . -");
  return {
    ok: true,
    value: {
      containerId: base.value.containerId,
      namespace: o.namespace as string,
      name: o.name as string,
      ips: ips.value,
      ...(o.hostVeth !== undefined ? { hostVeth: o.hostVeth } : {}),
      ...(o.podUid !== undefined ? { podUid: o.podUid } : {}),
    },
  };
}

/** Body of `POST /v1/gc`: `{validContainerIds: string[]}`. */
export function decodeGcRequest(body: unknown): Decoded<CniGcRequest> {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return fail("", "body must be a JSON object");
  const ids = (body as Record<string, unknown>).validContainerIds;
  if (!Array.isArray(ids)) return fail("validContainerIds", "must be an array of container IDs");
  for (const [i, id] of (ids as unknown[]).entries()) {
    const err = containerIdError(id);
    if (err) return fail(`validContainerIds[${i}]`, err);
  }
  return { ok: true, value: { validContainerIds: ids as string[] } };
}

/** `ips`: a non-empty array (at most 16) of IPv4 or IPv6 addresses in textual form. */
function decodeIps(v: unknown): Decoded<string[]> {
  if (!Array.isArray(v) || v.length === 0 || v.length > 16)
    return fail("ips", "must be a non-empty array of at most 16 IP addresses");
  for (const [i, ip] of (v as unknown[]).entries())
    if (typeof ip !== "string" || parseAddr(ip) === undefined)
      return fail(`ips[${i}]`, "must be an IPv4 or IPv6 address");
  return { ok: true, value: v as string[] };
}
