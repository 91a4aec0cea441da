/**
 * Validates a SARIF log against the SARIF 2.1.0 JSON schema (`sarif-2.1.0-rtm.5`, the one published
 * on SchemaStore), as shipped in Microsoft's `@microsoft/jest-sarif` package. The schema is JSON Schema draft-04, hence `ajv-draft-04`; its `format`s (uri,
 * uri-reference, date-time) are checked with `ajv-formats`.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import AjvDraft04 from "ajv-draft-04";
import ajvFormats from "ajv-formats";

// Both packages are CommonJS with an `exports.default`; under NodeNext that is `.default`.
const Ajv = AjvDraft04.default;
const addFormats = ajvFormats.default;

const require = createRequire(import.meta.url);
const SCHEMA_PATH = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");

let validator: ((doc: unknown) => string[]) | undefined;

function build(): (doc: unknown) => string[] {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, "utf8")) as Record<string, unknown>;
  // The schema's `language` pattern has a lone `]`, legal in ECMA-262 regexes only without the
  // `u` flag (JSON Schema patterns are ECMA-262 regexes, not Unicode-mode ones).
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const check = ajv.compile(schema);
  return (doc) =>
    check(doc)
      ? []
      : (check.errors ?? []).map(
          (e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`,
        );
}

/** The schema violations of `doc`, as `instancePath message params` lines; empty when valid. */
export function sarifSchemaErrors(doc: unknown): string[] {
  validator ??= build();
  return validator(doc);
}
