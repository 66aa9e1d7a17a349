#!/usr/bin/env node
// Loads the bundled CLI (dist/cli.cjs) from a V8 code cache, so start-up skips parsing and
// compiling most of the bundle. docs/performance.md has the measurements.
//
// Two commands have a lean bundle of their own, without the argument parser and the other
// commands: `generate` as the installed generator runs it (at every boot and daemon-reload) loads
// dist/generator.cjs, and `compile SPEC...` with its options but --root dist/compile.cjs. Any
// other command line of theirs (--root, --help, a mistake) goes on to the full CLI, which has
// its messages.
//
// V8 accepts a cache only from its own version, so the build's cache is named after the V8 that
// wrote it. Under any other Node (a package installed elsewhere), the first run writes a cache
// into the user's cache directory, keyed by V8 version and bundle hash, and later runs use it.
// A missing, rejected or unwritable cache only costs time: it is never an error.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const v8 = process.versions.v8;

/** Our own cache file's bytes, or undefined: a file another user can write is not trusted. */
function readOwn(cacheFile, checkOwner) {
  let fd;
  try {
    fd = fs.openSync(cacheFile, "r");
    const st = fs.fstatSync(fd);
    const mine = typeof process.getuid !== "function" || st.uid === process.getuid();
    if (checkOwner && (!mine || (st.mode & 0o022) !== 0)) return undefined;
    return fs.readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** $XDG_CACHE_HOME/tunnelc, or ~/.cache/tunnelc (the XDG Base Directory default). */
function userCacheFile(source) {
  const xdg = process.env.XDG_CACHE_HOME;
  const home = process.env.HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : home ? path.join(home, ".cache") : undefined;
  if (base === undefined) return undefined;
  const hash = require("node:crypto").createHash("sha256").update(source).digest("hex");
  return path.join(base, "tunnelc", `${v8}-${hash.slice(0, 16)}.cache`);
}

function writeAtomically(cacheFile, data) {
  try {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true, mode: 0o700 });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data, { mode: 0o600 });
    fs.renameSync(tmp, cacheFile);
  } catch {
    // An unwritable cache directory only means the next start compiles again.
  }
}

/**
 * Lean bundles that only read the command line, which then went to the full CLI: a cache written
 * now would hold little more than their argument check, and be kept for the runs that need more.
 */
const onlyAsked = new Set();

/**
 * A bundle as CommonJS wraps a module: Module.wrap's text, written here because loading
 * node:module costs a start about half a millisecond (docs/performance.md). The caches were
 * made of this text: another would be rejected (its length is part of V8's check).
 */
const wrap = (source) =>
  `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;

/** Runs dist/NAME from its code cache and returns its exports. */
function load(name) {
  const file = path.join(__dirname, "..", "dist", name);
  const builtCache = `${file}.${v8}.cache`;
  const source = fs.readFileSync(file, "utf8");
  const building = process.env.TUNNELC_WRITE_CODE_CACHE === "1";
  let cacheFile = building ? undefined : builtCache;
  let cachedData = cacheFile && readOwn(cacheFile, false);
  if (cachedData === undefined && !building) {
    cacheFile = userCacheFile(source);
    cachedData = cacheFile && readOwn(cacheFile, true);
  }
  // V8 11 (Node 20) keeps in a code cache the file name the script was compiled under, and a run
  // from that cache reports it in stack traces. The build names the bundle by its place in the
  // package, not by where it was built: two builds of one commit give the same bytes wherever
  // they run (test/reproducible.test.ts), and no build machine's path ships in the package.
  const filename = building ? `tunnelc/dist/${name}` : file;
  const script = new vm.Script(wrap(source), { filename, cachedData });
  // A cache V8 rejects is rewritten, unless it is the build's (same V8, other flags: rare).
  // TUNNELC_NO_CACHE_WRITE=1 (set by the installed generator, which may write nothing outside
  // its output directories at early boot) wins over any request to write a cache.
  const stale = cachedData === undefined || script.cachedDataRejected === true;
  const writeTo =
    process.env.TUNNELC_NO_CACHE_WRITE === "1"
      ? undefined
      : building
        ? builtCache
        : stale && cacheFile !== builtCache
          ? cacheFile
          : undefined;
  if (writeTo !== undefined) {
    // At exit, so the cache holds the functions this run compiled too, not only the top level.
    process.once("exit", () => {
      if (onlyAsked.has(name)) return;
      // src/cli.ts sets the small young generation once the bundle has started; V8's flag
      // hash is part of a cache, and the next start checks it under the default flags (both
      // flags in one file: v8-young-generation.json).
      require("node:v8").setFlagsFromString(require("./v8-young-generation.json").default);
      writeAtomically(writeTo, script.createCachedData());
    });
  }
  const mod = { exports: {} };
  // The bundles require Node's built-ins only, which this file's require loads as theirs would.
  script.runInThisContext()(mod.exports, require, mod, file, path.dirname(file));
  return mod.exports;
}

/**
 * The installed generator is a #! line that has the kernel run node with this file, then the
 * script's own path and systemd's directories (src/generator/script.ts): that path, marked as
 * tunnelc's, names no command. It becomes `generate` (`--user` in a user-generators directory,
 * systemd.generator(7)), as the command line every other part of tunnelc sees; and nothing is
 * written outside the output directories at early boot: no code cache, no first-run cache.
 */
function asGenerator(script) {
  if (script === undefined || !path.isAbsolute(script)) return;
  if (path.basename(script) !== "tunnelc-generator" || !marked(script)) return;
  delete process.env.TUNNELC_WRITE_CODE_CACHE;
  process.env.TUNNELC_NO_CACHE_WRITE = "1";
  const user = path.basename(path.dirname(script)) === "user-generators";
  process.argv.splice(2, 1, "generate", ...(user ? ["--user"] : []));
}

/** Whether the file's first bytes have the mark `tunnelc generator install` writes. */
function marked(file) {
  let fd;
  try {
    // Never waits: a FIFO of that name given by hand reads as empty, not as a hang.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const head = Buffer.alloc(512);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    return head
      .toString("utf8", 0, n)
      .includes("tunnelc-generator: written by tunnelc generator install");
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

const LEAN = { generate: "generator.cjs", compile: "compile.cjs" };
asGenerator(process.argv[2]);
const argv = process.argv.slice(2);
const bundle = Object.hasOwn(LEAN, argv[0] ?? "") ? LEAN[argv[0]] : undefined;
const lean = bundle && load(bundle);
const args = lean && lean.leanArgs(argv);
if (!args) {
  if (bundle) onlyAsked.add(bundle);
  load("cli.cjs");
} else if (bundle === "generator.cjs") {
  // The compiler, a bundle of its own, only when the generator's memo does not answer.
  lean.main(args, () => load("generator-compile.cjs"));
} else lean.main(args);
