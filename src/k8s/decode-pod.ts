/**
 * Decodes a Pod down to what NetworkPolicy needs: labels, node, IPs, container ports and whether the
 * pod is a policy target at all (pods with no IP, finished pods and host-network pods are not).
 */
import { quoteValue } from "../issue/quote.js";
import { type Addr, parseAddr } from "../net/address.js";
import type { ObjectMeta } from "./decode-meta.js";
import { decodeProtocol } from "./decode-port.js";
import {
  describe,
  type Issues,
  isObject,
  type JsonObject,
  join,
  optArray,
  optBoolean,
  optInteger,
  optObject,
  optString,
} from "./fields.js";
import type { ContainerPort, NonTargetReason, Pod } from "./model.js";

/** Decodes a Pod whose metadata has already been read. */
export function decodePod(meta: ObjectMeta, obj: JsonObject, issues: Issues): Pod {
  const spec = optObject(obj, "spec", "", issues) ?? {};
  const status = optObject(obj, "status", "", issues) ?? {};
  const nodeName = optString(spec, "nodeName", "spec", issues);
  const hostNetwork = optBoolean(spec, "hostNetwork", "spec", issues) ?? false;
  const phase = optString(status, "phase", "status", issues);
  const ips = decodePodIPs(status, issues);
  const ports = decodeContainerPorts(spec, "spec", issues);
  const nonTarget = nonTargetReason(hostNetwork, phase, ips);
  return {
    namespace: meta.namespace,
    name: meta.name,
    labels: meta.labels,
    ...(nodeName ? { nodeName } : {}),
    ips,
    ports,
    ...(nonTarget ? { nonTarget } : {}),
    ...(meta.controller ? { controller: meta.controller } : {}),
  };
}

function nonTargetReason(
  hostNetwork: boolean,
  phase: string | undefined,
  ips: readonly Addr[],
): NonTargetReason | undefined {
  if (hostNetwork) return "host-network";
  if (phase === "Succeeded" || phase === "Failed") return "terminated";
  if (ips.length === 0) return "no-ip";
  return undefined;
}

/** `status.podIPs[].ip` (dual-stack, primary first), falling back to `status.podIP`. */
function decodePodIPs(status: JsonObject, issues: Issues): Addr[] {
  const list = optArray(status, "podIPs", "status", issues);
  const texts: Array<[string, string]> = [];
  if (list && list.length > 0) {
    for (const [i, e] of list.entries()) {
      const path = `status.podIPs[${i}]`;
      if (!isObject(e)) {
        issues.fail(path, `must be an object, got ${describe(e)}`, "wrong-type");
        continue;
      }
      const ip = optString(e, "ip", path, issues);
      if (ip !== undefined) texts.push([join(path, "ip"), ip]);
    }
  } else {
    const ip = optString(status, "podIP", "status", issues);
    if (ip) texts.push(["status.podIP", ip]);
  }
  const out: Addr[] = [];
  for (const [path, text] of texts) {
    const addr = parseAddr(text);
    if (!addr) issues.fail(path, `${quoteValue(text)} is not a valid IP address`);
    else if (!out.some((a) => a.family === addr.family)) out.push(addr);
  }
  return out;
}

/**
 * Ports of a PodSpec's `containers[]`, plus those of restartable (sidecar) init containers, which
 * also serve traffic for the pod's lifetime. These are what named ports in policies resolve
 * against. `specPath` is the PodSpec's own path (`spec`, or `spec.template.spec` in a workload).
 */
export function decodeContainerPorts(spec: JsonObject, specPath: string, issues: Issues): ContainerPort[] {
  const out: ContainerPort[] = [];
  for (const field of ["containers", "initContainers"] as const) {
    const containers = optArray(spec, field, specPath, issues) ?? [];
    for (const [ci, c] of containers.entries()) {
      const path = `${specPath}.${field}[${ci}]`;
      if (!isObject(c)) {
        issues.fail(path, `must be an object, got ${describe(c)}`, "wrong-type");
        continue;
      }
      if (field === "initContainers" && c.restartPolicy !== "Always") continue;
      const ports = optArray(c, "ports", path, issues) ?? [];
      ports.forEach((p, pi) => {
        const port = decodeContainerPort(p, `${join(path, "ports")}[${pi}]`, issues);
        if (port) out.push(port);
      });
    }
  }
  return out;
}

function decodeContainerPort(p: unknown, path: string, issues: Issues): ContainerPort | undefined {
  if (!isObject(p)) return issues.fail(path, `must be an object, got ${describe(p)}`, "wrong-type");
  const port = optInteger(p, "containerPort", path, issues);
  const name = optString(p, "name", path, issues);
  const protocol = decodeProtocol(p, path, issues);
  if (port === undefined || port < 1 || port > 65535) {
    return issues.fail(
      join(path, "containerPort"),
      "must be between 1 and 65535, inclusive",
      "invalid-value",
    );
  }
  if (!protocol) return undefined;
  return name ? { name, port, protocol } : { port, protocol };
}
