/**
 * Reads what the plugins before netguard set up, from `prevResult` (CNI spec: the result of the
 * previous plugin in a chain, in the version of the network configuration). Flannel delegates to
 * `bridge`, whose result lists the bridge, the host-side veth (both without `sandbox`) and the
 * container interface (with `sandbox`), and IPs pointing at the container interface by index.
 */

/** What netguard needs from a previous result. */
export interface PodAttachment {
  readonly ips: readonly string[];
  readonly hostVeth?: string;
}

interface ResultInterface {
  readonly name?: unknown;
  readonly sandbox?: unknown;
}

interface ResultIp {
  readonly address?: unknown;
  readonly interface?: unknown;
}

/**
 * Pod IPs (without prefix length) of the container interface and the host veth. `bridge` names the
 * bridge to tell it from the veth; returns a message when the result has no usable IP.
 */
export function podAttachment(prevResult: unknown, bridge: string): PodAttachment | string {
  if (typeof prevResult !== "object" || prevResult === null)
    return "prevResult is missing: netguard must be chained after the plugin that creates the pod's interface";
  const r = prevResult as { interfaces?: unknown; ips?: unknown };
  const interfaces = Array.isArray(r.interfaces) ? (r.interfaces as ResultInterface[]) : [];
  const ips = Array.isArray(r.ips) ? (r.ips as ResultIp[]) : [];
  const inSandbox = (i: unknown) =>
    typeof i === "number" && typeof interfaces[i]?.sandbox === "string" && interfaces[i]?.sandbox !== "";
  const hasSandboxes = interfaces.some((i) => typeof i.sandbox === "string" && i.sandbox !== "");
  const podIps = ips
    .filter(
      (ip) =>
        typeof ip.address === "string" &&
        (!hasSandboxes || ip.interface === undefined || inSandbox(ip.interface)),
    )
    .map((ip) => (ip.address as string).split("/")[0] as string);
  if (podIps.length === 0) return "prevResult has no IP address for the pod";
  const hostVeth = interfaces.find((i) => typeof i.name === "string" && !i.sandbox && i.name !== bridge)
    ?.name as string | undefined;
  return { ips: [...new Set(podIps)], ...(hostVeth ? { hostVeth } : {}) };
}
