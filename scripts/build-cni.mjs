/**
 * `npm run build:cni`: turns the compiled CNI plugin (dist/cni/main.js, from `npm run build`) into
 * dist/netguard-cni, one executable that runs on a node with no Node.js installed.
 *
 * Node 20's single executable applications (https://nodejs.org/docs/latest-v20.x/api/single-executable-applications.html):
 * "The single executable application feature currently only supports running a single embedded
 * script using the CommonJS module system" and its `require()` "can only load built-in modules".
 * So: esbuild-wasm bundles main.js and everything it imports into one CommonJS file; node turns it
 * into a preparation blob; the blob is injected into a copy of this node binary with postject.
 * esbuild-wasm and postject are plain JS/WASM packages, so the lockfile holds no per-platform
 * binaries. Run with the Node that should be shipped: the executable is a copy of process.execPath.
 */
import { spawnSync } from "node:child_process";
import console from "node:console";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative } from "node:path";
import process from "node:process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const paths = {
  entry: join(dist, "cni", "main.js"),
  bundle: join(dist, "cni-bundle.cjs"),
  seaConfig: join(dist, "cni-sea-config.json"),
  blob: join(dist, "cni-sea.blob"),
  out: join(dist, "netguard-cni"),
  tmp: join(dist, "netguard-cni.tmp"),
};
// The fuse and resource names node looks for at startup (node's src/node_sea.cc).
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
const SEA_RESOURCE = "NODE_SEA_BLOB";
/** @param {string} p */
const rel = (p) => relative(process.cwd(), p) || ".";

/** @typedef {typeof import("esbuild-wasm")} Esbuild */
/**
 * postject's API as this script calls it (the package ships no type declarations).
 * @typedef {{ inject(file: string, resource: string, data: Buffer, options: PostjectOptions): Promise<void> }} Postject
 * @typedef {{ sentinelFuse: string, machoSegmentName?: string }} PostjectOptions
 */

class BuildError extends Error {}
/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  throw new BuildError(message);
}

/** Checks what the build needs before doing anything slow. */
function preflight() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 20) fail(`Node ${process.versions.node} has no single executable applications; use Node 20+.`);
  if (process.platform !== "linux" && process.platform !== "darwin") {
    fail(`platform ${process.platform} is not supported: netguard-cni targets Linux nodes.`);
  }
  const vars = process.config.variables;
  if (vars.node_shared === true) {
    fail(
      `${process.execPath} links a shared libnode: a copy of it is not self-contained. Use an official Node build.`,
    );
  }
  if (vars.single_executable_application === false) {
    fail(`${process.execPath} was built without single executable application support.`);
  }
  if (!existsSync(paths.entry)) {
    fail(`${rel(paths.entry)} not found: run \`npm run build\` first (is there a src/cni/main.ts?).`);
  }
}

/** @type {(name: string) => Promise<unknown>} */
const importModule = (name) => import(name);

/**
 * The default export of the devDependency `name`, of the type the caller declares.
 * @param {string} name
 * @returns {Promise<unknown>}
 */
async function loadTool(name) {
  try {
    const module = await importModule(name);
    return typeof module === "object" && module !== null && "default" in module ? module.default : undefined;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return fail(`cannot load ${name} (${why}): run \`npm ci\` to install the devDependencies.`);
  }
}

// Inside the executable, require() and import() of a builtin work; any other path fails at run time
// with ERR_UNKNOWN_BUILTIN_MODULE.
/** @param {string} id */
const isBuiltin = (id) => builtinModules.includes(id.replace(/^node:/, ""));

/**
 * Bundles the plugin into one CommonJS file whose only remaining `require`s are node builtins.
 * @param {Esbuild} esbuild
 */
async function bundle(esbuild) {
  /** @type {import("esbuild-wasm").BuildResult<{ metafile: true }>} */
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [paths.entry],
      outfile: paths.bundle,
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      metafile: true,
      logLevel: "warning",
      // ESM's import.meta does not exist in CommonJS; inside the executable it names the executable.
      // The banner comes first, so it restates the strict mode that ESM had and esbuild's own
      // "use strict" below it no longer sets.
      banner: {
        js: '"use strict";\nvar __netguardImportMetaUrl = require("node:url").pathToFileURL(__filename).href;',
      },
      define: {
        "import.meta.url": "__netguardImportMetaUrl",
        "import.meta.filename": "__filename",
        "import.meta.dirname": "__dirname",
      },
    });
  } catch (e) {
    const hint = /top-level await/i.test(e instanceof Error ? e.message : "")
      ? " (the executable runs CommonJS: wrap top-level awaits in an async main())"
      : "";
    fail(`bundling ${rel(paths.entry)} failed${hint}; esbuild's messages are above.`);
  } finally {
    await esbuild.stop();
  }
  const leftovers = Object.values(result.metafile.outputs)
    .flatMap((o) => o.imports)
    .filter((i) => i.external && !isBuiltin(i.path));
  if (leftovers.length > 0) {
    const list = leftovers.map((i) => `${i.kind} ${i.path}`).join(", ");
    fail(`the bundle still loads ${list}: an executable can only require() node builtins.`);
  }
}

/** `node --experimental-sea-config`: writes the preparation blob from the bundle. */
function makeBlob() {
  const config = {
    main: paths.bundle,
    output: paths.blob,
    disableExperimentalSEAWarning: true,
    useCodeCache: false,
  };
  writeFileSync(paths.seaConfig, `${JSON.stringify(config, null, 2)}\n`);
  rmSync(paths.blob, { force: true });
  const r = spawnSync(process.execPath, ["--experimental-sea-config", paths.seaConfig], {
    cwd: root,
    stdio: "inherit",
  });
  if (r.status !== 0 || !existsSync(paths.blob)) {
    fail(`node --experimental-sea-config ${rel(paths.seaConfig)} failed (exit ${r.status ?? r.signal}).`);
  }
}

/** @param {string[]} args */
function codesign(args) {
  const r = spawnSync("codesign", args, { stdio: "inherit" });
  if (r.status !== 0) fail(`codesign ${args.join(" ")} failed: is Xcode's command line tools installed?`);
}

/**
 * postject's LIEF prints "Can't find string offset for section name '.note…'" for every ELF note of
 * node; the notes are left as they were and the result runs (a known, harmless postject message).
 * Hides those lines only, while `run` runs.
 * @param {() => Promise<void>} run
 */
async function quietLief(run) {
  const warn = console.warn.bind(console);
  console.warn = (...args) => {
    if (!/^warning: Can't find string offset for section name/.test(String(args[0]))) warn(...args);
  };
  try {
    return await run();
  } finally {
    console.warn = warn;
  }
}

/**
 * Copies this node binary and injects the blob; only a binary that answers VERSION replaces the old one.
 * @param {Postject} postject
 */
async function inject(postject) {
  rmSync(paths.tmp, { force: true });
  copyFileSync(process.execPath, paths.tmp);
  chmodSync(paths.tmp, 0o755);
  const fuses = readFileSync(paths.tmp).toString("latin1").split(`${SEA_FUSE}:`).length - 1;
  if (fuses !== 1)
    fail(`${process.execPath} holds the SEA fuse ${fuses} times (expected once): not a plain node binary.`);
  if (process.platform === "darwin") codesign(["--remove-signature", paths.tmp]);
  await quietLief(() =>
    postject.inject(paths.tmp, SEA_RESOURCE, readFileSync(paths.blob), {
      sentinelFuse: SEA_FUSE,
      ...(process.platform === "darwin" ? { machoSegmentName: "NODE_SEA" } : {}),
    }),
  );
  if (process.platform === "darwin") codesign(["--sign", "-", paths.tmp]);
  chmodSync(paths.tmp, 0o755);
  smokeTest(paths.tmp);
  renameSync(paths.tmp, paths.out);
}

/**
 * CNI spec, VERSION: the plugin prints its supported versions and exits 0, without node on PATH.
 * @param {string} bin
 */
function smokeTest(bin) {
  const r = spawnSync(bin, [], {
    env: { PATH: "/nonexistent", CNI_COMMAND: "VERSION" },
    input: '{"cniVersion":"1.0.0"}',
    encoding: "utf8",
    timeout: 30_000,
  });
  /** @type {unknown} */
  let parsed;
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    parsed = undefined;
  }
  const versions =
    typeof parsed === "object" && parsed !== null && "supportedVersions" in parsed
      ? parsed.supportedVersions
      : undefined;
  if (r.status !== 0 || !Array.isArray(versions)) {
    fail(
      `the built executable failed CNI_COMMAND=VERSION (exit ${r.status ?? r.signal}${r.error ? `, ${r.error.message}` : ""}):\n` +
        `stdout: ${r.stdout}\nstderr: ${r.stderr}`,
    );
  }
}

async function main() {
  const t0 = performance.now();
  preflight();
  const esbuild = /** @type {Esbuild} */ (await loadTool("esbuild-wasm"));
  const postject = /** @type {Postject} */ (await loadTool("postject"));
  await bundle(esbuild);
  makeBlob();
  await inject(postject);
  const mb = (statSync(paths.out).size / 1024 / 1024).toFixed(1);
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`build-cni: ${rel(paths.out)} (${paths.out}): ${mb} MiB, built in ${secs} s`);
}

main().catch((e) => {
  rmSync(paths.tmp, { force: true });
  console.error(e instanceof BuildError ? `build-cni: ${e.message}` : e);
  process.exitCode = 1;
});
