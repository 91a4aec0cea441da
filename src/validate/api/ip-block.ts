/**
 * `ipBlock` validation (pkg/apis/networking/validation ValidateIPBlock with
 * IsValidCIDRForLegacyField and GetWarningsForCIDR). Whether ambiguous CIDRs are accepted, warned
 * about or rejected depends on the Kubernetes version: see the `cidr-strict` rule in versions.ts.
 */
import { quoteValue } from "../../issue/quote.js";
import { type Issue, warning } from "../../issue/issue.js";
import { invalid, required } from "./field-errors.js";
import { type GoCidr, goContains, goIpString, goNetString, is4In6, parseCidrSloppy } from "./go-cidr.js";
import type { IpBlock } from "./model.js";
import { type KubeVersion, phaseAt } from "./versions.js";
import { formatAddr } from "../../net/address.js";

/** Validates one `ipBlock` at `path` (`spec.ingress[0].from[1].ipBlock`). */
export function validateIpBlock(block: IpBlock, path: string, version: KubeVersion): Issue[] {
  if (!block.cidr) return [required(`${path}.cidr`)];
  const out: Issue[] = [];
  const cidr = checkCidr(block.cidr, `${path}.cidr`, version, out);
  if (!cidr) return out;
  (block.except ?? []).forEach((text, i) => {
    const p = `${path}.except[${i}]`;
    const ex = checkCidr(text, p, version, out);
    if (!ex) return;
    // Upstream compares Mask.Size() of both, i.e. the prefix lengths as written (32- or 128-bit).
    if (!goContains(cidr, ex.network) || cidr.prefix >= ex.prefix) {
      out.push(invalid(p, text, "must be a strict subset of `cidr`", "not-subset"));
    }
  });
  return out;
}

/** Parses and checks one CIDR value, appending errors or warnings; undefined when unparsable. */
function checkCidr(text: string, path: string, version: KubeVersion, out: Issue[]): GoCidr | undefined {
  const c = parseCidrSloppy(text);
  if (!c) {
    out.push(invalid(path, text, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
    return undefined;
  }
  const phase = phaseAt("cidr-strict", version);
  if (phase === "reject") out.push(...strictErrors(c, text, path));
  if (phase === "warn") out.push(...cidrWarnings(c, text, path));
  if (phaseAt("cidr-ipv6-canonical", version) !== "accept") {
    const canonical = canonicalIpv6(c);
    if (canonical !== undefined && canonical !== text) {
      out.push(
        warning(
          "cidr-noncanonical",
          path,
          `IPv6 CIDR value ${quoteValue(text)} should be in RFC 5952 canonical format (${JSON.stringify(canonical)})`,
        ),
      );
    }
  }
  return c;
}

const hasHostBits = (c: GoCidr): boolean => c.ip.value !== c.network.value;

/** parseCIDR(strictValidation=true): the first problem only, as upstream's if/else chain. */
function strictErrors(c: GoCidr, text: string, path: string): Issue[] {
  if (c.sloppyDigits)
    return [invalid(path, text, "must not have leading 0s in IP or prefix length", "cidr-leading-zeros")];
  if (is4In6(c.ip))
    return [invalid(path, text, "must not have an IPv4-mapped IPv6 address", "cidr-ipv4-mapped")];
  if (hasHostBits(c))
    return [invalid(path, text, "must not have bits set beyond the prefix length", "cidr-host-bits")];
  return [];
}

/** GetWarningsForCIDR, minus the RFC 5952 one (checked separately, it never becomes an error). */
function cidrWarnings(c: GoCidr, text: string, path: string): Issue[] {
  const out: Issue[] = [];
  if (hasHostBits(c)) {
    const single = `${goIpString(c.ip)}/${c.ip.len * 8}`;
    out.push(
      warning(
        "cidr-host-bits",
        path,
        `CIDR value ${quoteValue(text)} is ambiguous in this context (should be ${JSON.stringify(goNetString(c))} or ${JSON.stringify(single)}?)`,
      ),
    );
  }
  if (c.sloppyDigits || is4In6(c.ip)) {
    out.push(
      warning(
        c.sloppyDigits ? "cidr-leading-zeros" : "cidr-ipv4-mapped",
        path,
        `non-standard CIDR value ${quoteValue(text)} will be considered invalid in a future Kubernetes release: use ${JSON.stringify(goNetString(c))}`,
      ),
    );
  }
  return out;
}

/** netip.Prefix.String() for an IPv6 CIDR without other problems; undefined otherwise. */
function canonicalIpv6(c: GoCidr): string | undefined {
  if (c.ip.len !== 16 || c.sloppyDigits || is4In6(c.ip) || hasHostBits(c)) return undefined;
  return `${formatAddr({ family: "IPv6", value: c.ip.value })}/${c.prefix}`;
}
