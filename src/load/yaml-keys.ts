/**
 * Mapping keys that are themselves mappings or sequences (`? {a: 1}` or `{[a]: 1}`). YAML allows
 * them; JSON, and so Kubernetes, does not: sigs.k8s.io/yaml's YAMLToJSON, which kubectl and the
 * API server use, rejects a document with one ("Unsupported map key"). The `yaml` package would
 * stringify such a key and print a warning on the process's stderr; the loader reports it instead.
 */
import { type Document, isAlias, isCollection, visit } from "yaml";

/** A problem at a source offset of the document's text. */
export interface KeyProblem {
  readonly at: number;
  readonly message: string;
}

/** The first key in `doc` that is (or is an alias of) a mapping or sequence, if any. */
export function collectionKeyProblems(doc: Document.Parsed): KeyProblem[] {
  const found: KeyProblem[] = [];
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key;
      const target = isAlias(key) ? key.resolve(doc) : key;
      if (!isCollection(target)) return undefined;
      const at = (isAlias(key) ? key.range?.[0] : target.range?.[0]) ?? 0;
      found.push({
        at,
        message: "a mapping key is itself a mapping or sequence; Kubernetes accepts only scalar keys",
      });
      return visit.BREAK;
    },
  });
  return found;
}
