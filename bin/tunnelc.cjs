#!/usr/bin/env node
// Loads the bundled CLI (dist/cli.cjs) with the V8 code cache the build wrote beside it, so
// start-up skips parsing and compiling most of the bundle. A cache V8 rejects (another Node
// version) is simply not used. docs/performance.md has the measurements.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const Module = require("node:module");

const file = path.join(__dirname, "..", "dist", "cli.cjs");
const cacheFile = `${file}.cache`;
const source = fs.readFileSync(file, "utf8");
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
// TUNNELC_NO_CACHE_WRITE=1 (set by the installed generator, which may write nothing outside its
// output directories at early boot) wins over any request to write a cache.
if (process.env.TUNNELC_WRITE_CODE_CACHE === "1" && process.env.TUNNELC_NO_CACHE_WRITE !== "1") {
  process.once("exit", () => fs.writeFileSync(cacheFile, script.createCachedData()));
}
const mod = { exports: {} };
const localRequire = Module.createRequire(file);
script.runInThisContext()(mod.exports, localRequire, mod, file, path.dirname(file));
