/**
 * Which CustomResourceDefinitions the fake API server has installed. A resource served by a CRD
 * (ClusterNetworkPolicy) exists only while its CRD does: otherwise every request to it is answered
 * 404 "the server could not find the requested resource", as kube-apiserver does. Deleting a CRD
 * ends its open watches; the real server first deletes every object of it (the CRD's cleanup
 * finalizer), which `uninstall` does unless told to keep them (a CRD whose cleanup was skipped:
 * its objects reappear when it is created again).
 */
import type { ObjectStore } from "./store.js";
import { RESOURCES, type Kind, type ResourceDef } from "./types.js";

/** How a CRD is deleted. */
export interface UninstallOptions {
  /** Delete its objects first, each with a DELETED event (default true, as the real server). */
  readonly deleteObjects?: boolean;
}

/** The installed CRDs, by kind. */
export class Crds {
  private readonly installed = new Set<Kind>();

  /** `installed`: whether the CRD kinds start installed. */
  constructor(installed: boolean) {
    if (installed) for (const r of RESOURCES) if (r.crd) this.installed.add(r.kind);
  }

  /** Whether requests to this resource are served (built-in resources always are). */
  serves(def: ResourceDef): boolean {
    return !def.crd || this.installed.has(def.kind);
  }

  /** Installs the CRD of `kind` (idempotent). */
  install(kind: Kind): void {
    this.crdOf(kind);
    this.installed.add(kind);
  }

  /**
   * Deletes the CRD of `kind`: its objects (unless kept), then `endWatches` for its watches, after
   * which the resource answers 404.
   */
  uninstall(
    kind: Kind,
    store: ObjectStore,
    endWatches: (plural: string) => void,
    opts: UninstallOptions = {},
  ): void {
    const def = this.crdOf(kind);
    if (opts.deleteObjects ?? true)
      for (const o of store.list(def)) store.remove(def, o.metadata.namespace ?? "", o.metadata.name);
    this.installed.delete(kind);
    endWatches(def.plural);
  }

  private crdOf(kind: Kind): ResourceDef {
    const def = RESOURCES.find((r) => r.kind === kind);
    if (!def?.crd) throw new Error(`fake API server: ${kind} is not served by a CRD`);
    return def;
  }
}
