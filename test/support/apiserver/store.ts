/**
 * The fake API server's storage: objects keyed by kind/namespace/name, one global resourceVersion
 * counter (etcd's revision), and a bounded history of changes that watches replay from.
 */

import { randomBytes, randomUUID } from "node:crypto";
import {
  fail,
  isRecord,
  type ObjectMeta,
  type ResourceDef,
  type Result,
  type StoredObject,
} from "./types.js";

/** One change, as a watch reports it; `previous` is the object before a MODIFIED. */
export interface StoreEvent {
  readonly type: "ADDED" | "MODIFIED" | "DELETED";
  readonly rv: number;
  readonly object: StoredObject;
  readonly previous?: StoredObject;
}

/** Called synchronously for every change, in resourceVersion order. */
export type StoreListener = (event: StoreEvent) => void;

/** Optimistic-concurrency preconditions of a DELETE (`DeleteOptions.preconditions`). */
export interface Preconditions {
  readonly uid?: string;
  readonly resourceVersion?: string;
}

const OK = <T>(value: T): Result<T> => ({ ok: true, value });

function keyOf(def: ResourceDef, namespace: string, name: string): string {
  return `${def.kind}/${namespace}/${name}`;
}

/** RFC 3339 at second precision, as `metav1.Time` is serialised. */
function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A short random suffix for `metadata.generateName`, like the server's 5 characters. */
function nameSuffix(): string {
  return randomBytes(4).toString("hex").slice(0, 5);
}

/** In-memory objects and their change history. */
export class ObjectStore {
  /** Starts at 1: an empty server's list must not return "0", which a watch reads as "any version". */
  private rv = 1;
  private readonly objects = new Map<string, StoredObject>();
  private history: StoreEvent[] = [];
  /** Every event with `rv > historyStart` is retained; older ones are gone (compacted). */
  private historyStart = 1;
  private readonly listeners = new Set<StoreListener>();

  constructor(private readonly historyLimit: number) {}

  /** The current global resourceVersion, as list responses and bookmarks carry it. */
  get resourceVersion(): string {
    return String(this.rv);
  }

  /** Takes a resourceVersion for an object that is stored elsewhere (Events). */
  allocateResourceVersion(): string {
    this.rv += 1;
    return String(this.rv);
  }

  /** Registers a listener; returns its removal. */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A stored object, or undefined. */
  get(def: ResourceDef, namespace: string, name: string): StoredObject | undefined {
    return this.objects.get(keyOf(def, def.namespaced ? namespace : "", name));
  }

  /** The objects of a resource (in one namespace when given), in etcd key order. */
  list(def: ResourceDef, namespace?: string): StoredObject[] {
    const out = [...this.objects.values()].filter(
      (o) => o.kind === def.kind && (namespace === undefined || o.metadata.namespace === namespace),
    );
    const sortKey = (o: StoredObject): string => `${o.metadata.namespace ?? ""}/${o.metadata.name}`;
    return out.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  }

  /** The retained events after `rv`, or 410 Expired when some of them were compacted away. */
  since(rv: number): Result<StoreEvent[]> {
    if (rv < this.historyStart) {
      return fail(410, "Expired", `too old resource version: ${rv} (${this.historyStart + 1})`);
    }
    return OK(this.history.filter((e) => e.rv > rv));
  }

  /**
   * Forgets all history. The resourceVersion advances by one (without an event) so that every
   * resourceVersion handed out before — including the latest, which a connected watcher holds — is
   * expired, while a list made afterwards returns one a watch can start from.
   */
  compact(): void {
    this.rv += 1;
    this.history = [];
    this.historyStart = this.rv;
  }

  /** POST semantics: fills in identity, rejects duplicates. `namespace` is the request path's. */
  create(def: ResourceDef, input: unknown, namespace?: string): Result<StoredObject> {
    const shaped = this.shape(def, input, namespace);
    if (!shaped.ok) return shaped;
    const obj = shaped.value;
    if (obj.metadata.name === "" && typeof obj.metadata.generateName === "string") {
      obj.metadata.name = obj.metadata.generateName + nameSuffix();
    }
    if (obj.metadata.name === "") {
      return fail(
        422,
        "Invalid",
        `${def.kind} is invalid: metadata.name: Required value: name or generateName is required`,
      );
    }
    const key = keyOf(def, obj.metadata.namespace ?? "", obj.metadata.name);
    if (this.objects.has(key)) {
      return fail(409, "AlreadyExists", `${def.plural} "${obj.metadata.name}" already exists`);
    }
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = timestamp();
    return OK(this.commit("ADDED", key, obj));
  }

  /**
   * PUT semantics: replaces the whole object, keeping uid and creationTimestamp. A non-empty
   * `metadata.resourceVersion` in the input must be the current one (409 Conflict otherwise).
   */
  replace(
    def: ResourceDef,
    input: unknown,
    namespace: string | undefined,
    name: string,
  ): Result<StoredObject> {
    const shaped = this.shape(def, input, namespace);
    if (!shaped.ok) return shaped;
    const obj = shaped.value;
    if (obj.metadata.name === "") obj.metadata.name = name;
    if (obj.metadata.name !== name) {
      return fail(
        400,
        "BadRequest",
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const key = keyOf(def, obj.metadata.namespace ?? "", name);
    const current = this.objects.get(key);
    if (current === undefined) return fail(404, "NotFound", `${def.plural} "${name}" not found`);
    const wanted = obj.metadata.resourceVersion;
    if (wanted !== "" && wanted !== current.metadata.resourceVersion) {
      return fail(409, "Conflict", conflictMessage(def, name));
    }
    obj.metadata.uid = current.metadata.uid;
    obj.metadata.creationTimestamp = current.metadata.creationTimestamp;
    return OK(this.commit("MODIFIED", key, obj, current));
  }

  /** DELETE semantics (immediate: no graceful termination). The DELETED event gets a new rv. */
  remove(def: ResourceDef, namespace: string, name: string, pre: Preconditions = {}): Result<StoredObject> {
    const key = keyOf(def, def.namespaced ? namespace : "", name);
    const current = this.objects.get(key);
    if (current === undefined) return fail(404, "NotFound", `${def.plural} "${name}" not found`);
    if (
      (pre.uid !== undefined && pre.uid !== current.metadata.uid) ||
      (pre.resourceVersion !== undefined && pre.resourceVersion !== current.metadata.resourceVersion)
    ) {
      return fail(409, "Conflict", conflictMessage(def, name));
    }
    return OK(this.commit("DELETED", key, structuredClone(current), current));
  }

  /** Assigns the next resourceVersion, stores or drops the object, records and publishes the event. */
  private commit(
    type: StoreEvent["type"],
    key: string,
    obj: StoredObject,
    previous?: StoredObject,
  ): StoredObject {
    this.rv += 1;
    obj.metadata.resourceVersion = String(this.rv);
    if (type === "DELETED") this.objects.delete(key);
    else this.objects.set(key, obj);
    const event: StoreEvent =
      previous === undefined
        ? { type, rv: this.rv, object: obj }
        : { type, rv: this.rv, object: obj, previous };
    this.history.push(event);
    while (this.history.length > this.historyLimit) {
      const dropped = this.history.shift();
      if (dropped !== undefined) this.historyStart = dropped.rv;
    }
    for (const listener of [...this.listeners]) listener(event);
    return structuredClone(obj);
  }

  /** Checks kind and namespace against the resource and request, and fills them in when missing. */
  private shape(def: ResourceDef, input: unknown, pathNamespace: string | undefined): Result<StoredObject> {
    if (!isRecord(input)) return fail(400, "BadRequest", "the request body is not a JSON object");
    const copy = structuredClone(input);
    for (const [field, expected] of [
      ["kind", def.kind],
      ["apiVersion", def.apiVersion],
    ] as const) {
      const got = copy[field];
      if (got !== undefined && got !== expected) {
        return fail(
          400,
          "BadRequest",
          `the ${field} in the data (${typeof got === "string" ? got : JSON.stringify(got)}) does not match the expected ${field} (${expected})`,
        );
      }
    }
    const meta = readMeta(copy.metadata);
    if (!meta.ok) return meta;
    const metadata = meta.value;
    if (def.namespaced) {
      const ns = pathNamespace ?? metadata.namespace;
      if (ns === undefined || ns === "") return fail(400, "BadRequest", "a namespace is required");
      if (metadata.namespace !== undefined && metadata.namespace !== ns) {
        return fail(
          400,
          "BadRequest",
          "the namespace of the provided object does not match the namespace sent on the request",
        );
      }
      metadata.namespace = ns;
    } else {
      delete metadata.namespace;
    }
    const stored: StoredObject = {
      ...copy,
      apiVersion: def.apiVersion,
      kind: def.kind,
      metadata: {
        ...metadata,
        name: metadata.name ?? "",
        resourceVersion: metadata.resourceVersion ?? "",
        uid: "",
        creationTimestamp: "",
      },
    };
    if (def.kind === "Namespace") defaultNamespace(stored);
    return OK(stored);
  }
}

const STRING_FIELDS = ["name", "generateName", "namespace", "resourceVersion"] as const;
const MAP_FIELDS = ["labels", "annotations"] as const;

/** Narrows `metadata` to ObjectMeta, with the API server's type errors for its string fields. */
function readMeta(raw: unknown): Result<ObjectMeta> {
  if (raw === undefined) return OK({});
  if (!isRecord(raw)) return fail(400, "BadRequest", "metadata must be an object");
  const meta: ObjectMeta = { ...raw };
  for (const field of STRING_FIELDS) {
    const v = raw[field];
    if (v !== undefined && typeof v !== "string")
      return fail(400, "BadRequest", `metadata.${field} must be a string`);
  }
  for (const field of MAP_FIELDS) {
    const v = raw[field];
    if (v === undefined || v === null) {
      delete meta[field];
      continue;
    }
    if (!isRecord(v) || !Object.values(v).every((x) => typeof x === "string")) {
      return fail(400, "BadRequest", `metadata.${field} must map strings to strings`);
    }
  }
  return OK(meta);
}

function conflictMessage(def: ResourceDef, name: string): string {
  return `Operation cannot be fulfilled on ${def.plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`;
}

/** What the API server adds to every Namespace: the immutable name label and phase Active. */
function defaultNamespace(ns: StoredObject): void {
  ns.metadata.labels = { ...ns.metadata.labels, "kubernetes.io/metadata.name": ns.metadata.name };
  const status = isRecord(ns.status) ? ns.status : {};
  ns.status = { phase: "Active", ...status };
}
