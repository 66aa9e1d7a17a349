// The build: the standalone schema validator, one bundled CommonJS file for the CLI, one for
// `compile` alone, two for the generator, and a V8 code cache for each (bin/tunnelc.cjs loads
// them; see docs/performance.md for why); and the API's bundle, its ES module face and its types.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { isBuiltin } from "node:module";
import { join } from "node:path";
import { build } from "esbuild";
import { NOTICES, noticesText } from "./notices.mjs";
import { API_TYPES, writeApiModule, writeApiTypes } from "./api-types.mjs";

execFileSync(process.execPath, ["scripts/build-validator.mjs"], { stdio: "inherit" });
rmSync("dist", { recursive: true, force: true });

/**
 * src/build-id.ts: a hash of everything a bundle is built from (the sources, the schema, the
 * package's manifest and lock), by path and bytes, in a fixed order: the same for two builds
 * of one commit, another for any change. The generator's memo is reused by its own build only.
 */
function buildId() {
  const files = (dir) =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath ?? d.path, d.name));
  const hash = createHash("sha256");
  for (const f of [
    ...files("src"),
    ...files("schemas"),
    "package.json",
    "package-lock.json",
  ].sort())
    hash.update(`${f}\0${readFileSync(f, "hex")}\0`);
  return hash.digest("hex").slice(0, 32);
}
const common = {
  define: { TUNNELC_BUILD_ID: JSON.stringify(buildId()) },
  bundle: true,
  platform: "node",
  // The oldest Node.js a target distribution ships: Debian 12's 18.19 (test/node-versions.test.ts).
  target: "node18.19",
  // CommonJS, not ESM: Node 20 can run a CommonJS script from a V8 code cache (vm.Script
  // cachedData), which halves start-up; it has no such cache for ES modules.
  format: "cjs",
  // jsonc-parser's "main" is a UMD build whose dynamic requires a bundle cannot follow.
  mainFields: ["module", "main"],
  // yargs's ES module build lays help out with a stand-in for wrap-ansi that cuts lines every N
  // characters, mid-word; its CommonJS build uses wrap-ansi, which breaks between words.
  plugins: [
    {
      name: "yargs-commonjs",
      setup(b) {
        b.onResolve({ filter: /^yargs$/ }, (args) =>
          args.kind === "require-call"
            ? undefined
            : b.resolve("yargs", { kind: "require-call", resolveDir: args.resolveDir }),
        );
      },
    },
  ],
  // The bundled packages' license texts go to dist/THIRD-PARTY-NOTICES instead (notices.mjs).
  legalComments: "none",
  metafile: true,
  minify: true,
  logLevel: "warning",
};
// yargs's CommonJS build requires node:assert for two internal sanity checks, and node:assert
// costs about 1 ms of every start (docs/performance.md): the two functions, with assert's test
// (Object.is), instead.
const yargsAssert = {
  name: "yargs-assert",
  setup(b) {
    b.onResolve({ filter: /^assert$/ }, (args) =>
      /[\\/]node_modules[\\/]yargs[\\/]/.test(args.importer)
        ? { path: "assert", namespace: "yargs-assert" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "yargs-assert" }, () => ({
      contents: `const check = (ok, message) => {
  if (!ok) throw new Error(message ?? "yargs: internal assertion failed");
};
exports.strictEqual = (a, b, message) => check(Object.is(a, b), message);
exports.notStrictEqual = (a, b, message) => check(!Object.is(a, b), message);
`,
      loader: "js",
    }));
  },
};
const cli = await build({
  ...common,
  plugins: [...common.plugins, yargsAssert],
  entryPoints: ["src/cli.ts"],
  outfile: "dist/cli.cjs",
});
// What `compile SPEC...` with its options but --root runs (src/compile-main.ts): no yargs, no
// other command.
const compile = await build({
  ...common,
  entryPoints: ["src/compile-main.ts"],
  outfile: "dist/compile.cjs",
});
// What the installed generator runs at every boot: no yargs or other commands in it; and
// its compiler apart, which it loads only when its memo of the last boot does not answer.
const generator = await build({
  ...common,
  entryPoints: ["src/generator-main.ts"],
  outfile: "dist/generator.cjs",
});
const generatorCompile = await build({
  ...common,
  entryPoints: ["src/generator-compile.ts"],
  outfile: "dist/generator-compile.cjs",
});
// The API (src/api.ts, docs/api.md) for packaging scripts: one CommonJS bundle, which
// dist/api.mjs re-exports for `import` (one implementation, whichever way it is loaded), and one
// declaration file for both (api-types.mjs).
const api = await build({
  ...common,
  entryPoints: ["src/api.ts"],
  outfile: "dist/api.cjs",
});
writeApiModule("dist/api.cjs");
writeFileSync(
  NOTICES,
  noticesText([
    ["dist/cli.cjs", cli.metafile],
    ["dist/compile.cjs", compile.metafile],
    ["dist/generator.cjs", generator.metafile],
    ["dist/generator-compile.cjs", generatorCompile.metafile],
    ["dist/api.cjs", api.metafile],
  ]),
);
// Warm the code caches: run a compile through the full CLI (`--output=-`, a form only the full
// CLI reads, takes it there), one through its own bundle, and a generator, each through the
// loader, and keep what V8 compiled. The generator's problems go to stderr (ignored), never to
// this machine's journal.
//
// Reproducibly: two builds of one commit must write the same bytes (test/reproducible.test.ts).
// V8 seeds its string hashes from its random number generator, and the seed shows in a code
// cache's bytes: a fixed --random-seed makes them the same every build, and V8 leaves that one
// flag out of a cache's flag hash "to allow predictable code caching" (src/flags/flags.cc,
// ComputeFlagListHash), so the cache is still accepted under the flags users run with. The
// environment is fixed too (not the builder's locale, colours or HOME): the warm-up run takes the
// same code paths, so V8 keeps the same functions, wherever and by whoever it is built.
const WARM_UP = ["--random-seed=1"];
// And under one umask: a file the generator creates needs its mode set after it is made (fchmod)
// under some masks and not under others, and even that changed a byte of its cache.
process.umask(0o022);
const warmEnv = (extra) => ({ LC_ALL: "C", TZ: "UTC", TUNNELC_WRITE_CODE_CACHE: "1", ...extra });
for (const output of [["--output=-"], ["-o", "-"]])
  execFileSync(
    process.execPath,
    [...WARM_UP, "bin/tunnelc.cjs", "compile", "docs/examples/office.json", ...output],
    { stdio: "ignore", env: warmEnv({}) },
  );
const out = mkdtempSync(join(tmpdir(), "tunnelc-build-"));
// The generator sees the package and its example specs through a link of a fixed name in that
// directory: the command line and the spec paths it hashes into its memo's key are then the same
// length whatever directory the package is built in, and so is the work of hashing them, which
// shows in the cache (a hash's loop run for one block more changed a byte of it).
const pkg = join(out, "pkg");
symlinkSync(process.cwd(), pkg);
// Under no V8 flag, as the installed script runs node: V8 rejects a cache made under other flags
// (the flag hash is part of it), and the generator would then compile its whole bundle at every
// boot.
execFileSync(
  process.execPath,
  [
    ...WARM_UP,
    join(pkg, "bin/tunnelc.cjs"),
    "generate",
    "--spec-dir",
    join(pkg, "docs/examples"),
    out,
    out,
    out,
  ],
  {
    stdio: "ignore",
    // No kept memo (never this machine's): the run compiles, so both bundles' caches are warmed.
    env: warmEnv({
      TUNNELC_KMSG: join(out, "no-kmsg"),
      TUNNELC_JOURNAL_STREAM: join(out, "no-journal"),
      TUNNELC_KEPT_MEMO: join(out, "no-memo"),
    }),
  },
);
rmSync(out, { recursive: true, force: true });
// A bundle without its cache would start several times slower, and nothing else would say so.
/** The bundles bin/tunnelc.cjs loads. */
const loaded = [cli, compile, generator, generatorCompile];
const uncached = loaded
  .flatMap((b) => Object.keys(b.metafile.outputs))
  .filter((f) => f.endsWith(".cjs") && !existsSync(`${f}.${process.versions.v8}.cache`));
if (uncached.length > 0) throw new Error(`no code cache was written for ${uncached.join(", ")}`);
// bin/tunnelc.cjs hands each bundle its own require, which loads Node's built-ins as any would but
// would resolve a path or a package from bin/, not dist/: the bundles may require built-ins only.
const foreign = loaded.flatMap((b) =>
  Object.values(b.metafile.outputs).flatMap((o) =>
    o.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => i.path),
  ),
);
if (foreign.length > 0) throw new Error(`a bundle requires more than Node's built-ins: ${foreign}`);
// The declarations are committed (types/api.d.ts, written by `npm run docs` from tsc's output and
// held to it by test/api-types.test.ts): the build, and a distribution's offline package build,
// need no TypeScript.
writeApiTypes("dist/api.cjs", readFileSync(API_TYPES, "utf8"));
// npm pack keeps each file's mode, and the loader writes a cache 0600 (a user's cache is private):
// every file of dist/ 0644, whatever the builder's umask, so the tarball's headers are the same too.
for (const f of readdirSync("dist")) chmodSync(join("dist", f), 0o644);
