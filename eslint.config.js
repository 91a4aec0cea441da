// Lint rules: typescript-eslint's recommended type-aware set, plus the house style's hard rules.
//
// recommendedTypeChecked, not strictTypeChecked: typescript-eslint documents the strict configs as
// opinionated and not stable under semver (a minor release may add rules), so `npm run lint` could start
// failing on a dependency bump. The rules we want beyond "recommended" are named here instead, each for a
// house-style reason given beside it.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  { ignores: ["dist/**", "dist-bench/**", "node_modules/**", "coverage/**"] },
  // Findings are fixed, never silenced: inline eslint-disable comments are not honoured.
  { linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "error" } },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Every .ts file under src/, test/ and bench/ belongs to tsconfig.json. The few files outside it
        // (this config, the vitest config, the CNI build script, typed through JSDoc) are checked in the
        // service's default project, with tsconfig.json's compiler options (strict); the list is explicit
        // so a new stray file fails loudly ("not found by the project service") instead of being skipped.
        projectService: {
          allowDefaultProject: ["eslint.config.js", "vitest.config.ts", "scripts/*.mjs"],
          defaultProject: "tsconfig.json",
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    files: ["**/*.ts", "**/*.js", "**/*.mjs"],
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      eqeqeq: ["error", "always"],
      "no-console": "error",
      // A promise nobody awaits loses its rejection (an nft apply, a watch restart): await it, return it
      // or hand it to something that handles the failure.
      "@typescript-eslint/no-floating-promises": "error",
      // An async callback where a void one is expected (event handlers, forEach) drops its rejection too.
      "@typescript-eslint/no-misused-promises": "error",
      // Discriminated unions end in an exhaustive switch: a new `kind` must be handled everywhere. A
      // `default:` branch does not count as handling every member of a union, so adding one cannot hide
      // a missing case; non-union switches (strings, numbers) still need a default.
      "@typescript-eslint/switch-exhaustiveness-check": [
        "error",
        { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: true },
      ],
    },
  },
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    // House style: functions under about 50 lines (blank lines and comments not counted) in the product.
    // Tests are tables and scenarios; their length is the data, not the logic.
    files: ["src/**/*.ts"],
    ignores: ["src/**/*.test.ts"],
    rules: {
      "max-lines-per-function": ["error", { max: 50, skipBlankLines: true, skipComments: true }],
    },
  },
  { files: ["bench/**", "scripts/**", "test/**", "**/*.test.ts"], rules: { "no-console": "off" } },
);
