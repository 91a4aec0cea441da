/**
 * ObjectMeta validation on create (apimachinery api/validation ValidateObjectMetaAccessor with
 * NetworkPolicy's name function NameIsDNSSubdomain, plus pkg/apis/core/validation's finalizer check
 * and the storage layer's resourceVersion check). Fields the server overwrites on create (uid,
 * creationTimestamp, generation, deletionTimestamp, managedFields) are not checked.
 */
import { appendAll } from "../../base/append-all.js";
import type { Issue } from "../../issue/issue.js";
import { forbidden, invalid, invalidEach, required, tooLong } from "./field-errors.js";
import type { Meta, OwnerReference } from "./model.js";
import { validateLabels } from "./selector.js";
import { byteLength, isDNS1123Label, isQualifiedName, nameIsDNSSubdomain } from "./syntax.js";

/** Total size of annotation keys and values (apimachinery TotalAnnotationSizeLimitB). */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

const STANDARD_FINALIZERS = new Set(["kubernetes", "orphan", "foregroundDeletion"]);

/** Validates `metadata` of a NetworkPolicy being created. */
export function validateMeta(meta: Meta | undefined): Issue[] {
  const m = meta ?? {};
  const out: Issue[] = [];
  if (m.generateName) {
    out.push(
      ...invalidEach("metadata.generateName", m.generateName, nameIsDNSSubdomain(m.generateName, true)),
    );
  }
  if (!m.name) {
    // The server generates a name from generateName before validating.
    if (!m.generateName) out.push(required("metadata.name", "name or generateName is required"));
  } else {
    out.push(...invalidEach("metadata.name", m.name, nameIsDNSSubdomain(m.name, false)));
  }
  // An empty namespace is filled from the request (kubectl: the context's namespace).
  if (m.namespace) out.push(...invalidEach("metadata.namespace", m.namespace, isDNS1123Label(m.namespace)));
  if (m.resourceVersion) {
    out.push(
      forbidden("metadata.resourceVersion", "resourceVersion should not be set on objects to be created"),
    );
  }
  appendAll(out, validateLabels(m.labels, "metadata.labels"));
  appendAll(out, validateAnnotations(m.annotations));
  appendAll(out, validateOwnerReferences(m.ownerReferences ?? []));
  appendAll(out, validateFinalizers(m.finalizers ?? []));
  return out;
}

/** `ValidateAnnotations`: keys are qualified names (case-insensitively), total size ≤ 256 KiB. */
function validateAnnotations(annotations: Readonly<Record<string, string>> | undefined): Issue[] {
  const out: Issue[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    out.push(...invalidEach("metadata.annotations", k, isQualifiedName(k.toLowerCase())));
    size += byteLength(k) + byteLength(v);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT)
    out.push(tooLong("metadata.annotations", TOTAL_ANNOTATION_SIZE_LIMIT));
  return out;
}

/** `ValidateOwnerReferences`: errors at `metadata.ownerReferences.<field>` (no index, as upstream). */
function validateOwnerReferences(refs: readonly OwnerReference[]): Issue[] {
  const path = "metadata.ownerReferences";
  const out: Issue[] = [];
  let firstController = "";
  for (const ref of refs) {
    const { version, kind } = groupVersionKind(ref.apiVersion ?? "", ref.kind ?? "");
    if (!version) out.push(invalid(`${path}.apiVersion`, ref.apiVersion ?? "", "version must not be empty"));
    if (!kind) out.push(invalid(`${path}.kind`, ref.kind ?? "", "kind must not be empty"));
    if (!ref.name) out.push(invalid(`${path}.name`, ref.name ?? "", "name must not be empty"));
    if (!ref.uid) out.push(invalid(`${path}.uid`, ref.uid ?? "", "uid must not be empty"));
    if (version === "v1" && kind === "Event" && !ref.apiVersion?.includes("/")) {
      out.push(invalid(path, ref, "/v1, Kind=Event is disallowed from being an owner"));
    }
    if (ref.controller) {
      const name = `${ref.kind ?? ""}/${ref.name ?? ""}`;
      if (firstController) {
        out.push(
          invalid(
            path,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${name}`,
          ),
        );
      } else firstController = name;
    }
  }
  return out;
}

/** schema.FromAPIVersionAndKind: an unparsable apiVersion yields an empty version. */
function groupVersionKind(apiVersion: string, kind: string): { version: string; kind: string } {
  const parts = apiVersion.split("/");
  if (parts.length === 1) return { version: parts[0] ?? "", kind };
  if (parts.length === 2) return { version: parts[1] ?? "", kind };
  return { version: "", kind };
}

/** apimachinery ValidateFinalizers plus core's validateKubeFinalizerName. */
function validateFinalizers(finalizers: readonly string[]): Issue[] {
  const out: Issue[] = [];
  for (const f of finalizers) out.push(...invalidEach("metadata.finalizers", f, isQualifiedName(f)));
  if (finalizers.includes("orphan") && finalizers.includes("foregroundDeletion")) {
    out.push(
      invalid(
        "metadata.finalizers",
        finalizers,
        "finalizer orphan and foregroundDeletion cannot be both set",
      ),
    );
  }
  finalizers.forEach((f, i) => {
    if (!f.includes("/") && !STANDARD_FINALIZERS.has(f)) {
      out.push(
        invalid(
          `metadata.finalizers[${i}]`,
          f,
          "name is neither a standard finalizer name nor is it fully qualified",
        ),
      );
    }
  });
  return out;
}
