/**
 * API-server validation for every command (issue 12: "`simulate`, `explain` and `compile` follow
 * the same `--kube-version` rules as `validate`"). Each NetworkPolicy read is checked as
 * `validate` checks it (validateNetworkPolicy: strict decoding, then ValidateNetworkPolicy at the
 * given Kubernetes version), so a CIDR with host bits set is an error at 1.36+, a warning at
 * 1.33–1.35 and fine before, whichever command reads it.
 *
 * One issue per problem: the decoder (drop mode) and the API check both see unknown fields, wrong
 * types, missing and invalid values. The decoder's issue wins — it says what the evaluation does
 * with the field — and an API issue is left out when, for the same object, the decoder reported
 * an issue at the same field path with the same code, or an error at that path while the API
 * issue is an error too. API issues about unknown fields the decoder does not check (in
 * `metadata`, or `status` at versions without it) get the decoder's wording, did-you-mean included.
 */
import { appendAll } from "../base/append-all.js";
import { type Issue, locate, type ObjectRef } from "../issue/issue.js";
import { clipName } from "../issue/quote.js";
import { decodeObject } from "../k8s/decode-object.js";
import { isObject, join, unknownFieldMessage } from "../k8s/fields.js";
import { networkPolicyType, type TypeNode } from "../validate/api/schema.js";
import { validateNetworkPolicy } from "../validate/api/validate-network-policy.js";
import {
  formatKubeVersion,
  type KubeVersion,
  knownAt,
  NEWEST_KUBE_VERSION,
  parseKubeVersion,
} from "../validate/api/versions.js";
import type { RawObject } from "./documents.js";
import { issuesAtFieldLines } from "./issue-lines.js";
import { overlayObjects } from "./overlay.js";
import { buildSnapshot, type LoadResult } from "./snapshot.js";
import { type InputFs, readInputs } from "./sources.js";

/** Options of `loadChecked`: the Kubernetes version whose API server is mirrored (default: newest). */
export interface CheckOptions {
  readonly kubeVersion?: KubeVersion;
}

/** A loaded, API-checked input. */
export interface CheckedLoad extends LoadResult {
  /** The objects read from `paths` (not `base`), in input order, as parsed. */
  readonly objects: readonly RawObject[];
}

/**
 * What every dry-run command (simulate, explain, diff, compile) loads its inputs with: reads
 * `paths`, lays them over `base` (e.g. the live cluster's objects), decodes them as the API server
 * stores them with field validation Warn (unknown fields reported as errors and dropped), and adds
 * the API server's issues with the NetworkPolicies read from `paths` at `opts.kubeVersion` (the
 * `base` objects were accepted by their server already). Issues about a field are at its line.
 */
export async function loadChecked(
  fs: InputFs,
  paths: readonly string[],
  base: readonly RawObject[] = [],
  opts: CheckOptions = {},
): Promise<CheckedLoad> {
  // Duplicate keys are reported in JSON too (JSON.parse keeps the last one silently), as `validate` does.
  const read = await readInputs(fs, paths, { strictJson: true });
  const objects = base.length > 0 ? overlayObjects(base, read.objects) : read.objects;
  const built = buildSnapshot(objects, { unknownFields: "drop" });
  const api = apiCheckObjects(read.objects, opts.kubeVersion ?? NEWEST_KUBE_VERSION);
  return {
    snapshot: built.snapshot,
    issues: [...read.issues, ...issuesAtFieldLines([...built.issues, ...api], read.texts)],
    objects: read.objects,
  };
}

/**
 * `--kube-version` as `validate` reads it, for every command: absent is the newest release the
 * version table describes; a newer one is used with a note (its rules are assumed unchanged);
 * a text that is no 1.x version is a message (a usage error for the caller).
 */
export function kubeVersionOption(
  text: string | undefined,
): { version: KubeVersion; note?: string } | string {
  if (text === undefined) return { version: NEWEST_KUBE_VERSION };
  const version = parseKubeVersion(text);
  if (typeof version === "string") return `--kube-version: ${version}`;
  if (version.minor <= NEWEST_KUBE_VERSION.minor) return { version };
  return {
    version,
    note:
      `note: --kube-version ${formatKubeVersion(version)} is newer than the newest release netguard tracks ` +
      `(${formatKubeVersion(NEWEST_KUBE_VERSION)}); its validation rules are assumed unchanged`,
  };
}

/**
 * The API server's issues with every NetworkPolicy in `objects` (other kinds are not checked),
 * located at their object (file, line of the object, kind/namespace/name as the decoder names it),
 * without those the decoder reports itself (see the file comment). Pure.
 */
export function apiCheckObjects(objects: readonly RawObject[], kubeVersion: KubeVersion): Issue[] {
  const type = networkPolicyType(
    knownAt("status-field", kubeVersion),
    knownAt("end-port-field", kubeVersion),
  );
  const out: Issue[] = [];
  for (const o of objects) {
    if (!isObject(o.value) || o.value.kind !== "NetworkPolicy") continue;
    const api = validateNetworkPolicy(o.value, { kubeVersion });
    if (api.length === 0) continue;
    const decoded = decodeObject(o.value, o.source, { unknownFields: "drop" }).issues;
    const fresh = api
      .filter((i) => !reportedByDecoder(i, decoded) && !storedObjectField(i))
      .map((i) => decoderWording(i, type, kubeVersion));
    const named = decoded.find((i) => i.object?.name !== undefined)?.object;
    appendAll(out, locate(fresh, o.source, named ?? refOf(o.value)));
  }
  return out;
}

/**
 * `metadata.resourceVersion` is forbidden only on create: a `kubectl get -o yaml` dump carries the
 * one the server stored, and the dry-run evaluates objects as stored.
 */
function storedObjectField(i: Issue): boolean {
  return i.path === "metadata.resourceVersion" && i.code === "forbidden";
}

function reportedByDecoder(api: Issue, decoded: readonly Issue[]): boolean {
  return decoded.some(
    (d) =>
      d.path === api.path && (d.code === api.code || (d.severity === "error" && api.severity === "error")),
  );
}

/** The object's ref as the decoder names it (namespace `default` when absent), for located issues. */
function refOf(value: Record<string, unknown>): ObjectRef {
  const meta = isObject(value.metadata) ? value.metadata : {};
  const name = typeof meta.name === "string" && meta.name !== "" ? meta.name : undefined;
  const namespace = typeof meta.namespace === "string" && meta.namespace !== "" ? meta.namespace : "default";
  return { kind: "NetworkPolicy", ...(name === undefined ? {} : { name, namespace }) };
}

/**
 * An API `unknown-field` issue in the decoder's words: dropped, evaluated without, did-you-mean.
 * `endPort` is the one field the server of an old version (before 1.21) does not have but the
 * decoder reads: the message says the range is evaluated as written.
 */
function decoderWording(i: Issue, type: TypeNode, v: KubeVersion): Issue {
  if (i.code !== "unknown-field") return i;
  const at = unknownFieldAt(type, i.path);
  if (!at) return i;
  const message =
    at.key === "endPort" && /\.ports\[\d+\]$/.test(at.parent)
      ? `unknown field in Kubernetes ${formatKubeVersion(v)} (\`endPort\` exists from 1.21): its API server drops it, so the rule allows the first port only; netguard evaluates the range as written`
      : unknownFieldMessage(at.key, at.known, true);
  return { ...i, path: join(at.parent, clipName(at.key)), message };
}

/**
 * Splits the path of an unknown field into the path of the struct holding it, that struct's fields
 * and the unknown key (which may itself contain dots). Undefined when the path does not lead there.
 */
export function unknownFieldAt(
  type: TypeNode,
  path: string,
): { parent: string; known: readonly string[]; key: string } | undefined {
  let node = type;
  let rest = path;
  let parent = "";
  for (;;) {
    if (node.t === "slice") {
      const m = /^\[(\d+)\]\.?/.exec(rest);
      if (!m) return undefined;
      parent += `[${m[1]}]`;
      rest = rest.slice(m[0].length);
      node = node.items;
      continue;
    }
    if (node.t !== "struct") return undefined;
    const fields = node.fields;
    const next = Object.keys(fields).find(
      (f) => rest === f || rest.startsWith(`${f}.`) || rest.startsWith(`${f}[`),
    );
    if (next === undefined) return { parent, known: Object.keys(fields), key: rest };
    parent = join(parent, next);
    rest = rest.slice(next.length).replace(/^\./, "");
    node = fields[next] as TypeNode;
    if (rest === "") return undefined;
  }
}
