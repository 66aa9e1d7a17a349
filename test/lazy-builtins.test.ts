// The built CLI loads child_process, readline and the port probe's node:net only on a path that
// uses them (src/builtin.ts), through the same vm.Script loader users run (bin/tunnelc.cjs).
// init on a terminal (readline) is held by test/init.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { CLI, ROOT } from "./helpers/paths.ts";
import { tunnelc } from "./helpers/run-cli.ts";

const work = mkdtempSync(join(tmpdir(), "tunnelc-lazy-"));

// Preloaded into the CLI: at exit, the built-ins it loaded and whether V8 took each code cache.
const PRELOAD = `"use strict";
const vm = require("node:vm");
const Script = vm.Script;
const caches = [];
vm.Script = class extends Script {
  constructor(code, options) {
    super(code, options);
    caches.push({ file: options.filename, rejected: this.cachedDataRejected });
  }
};
process.once("exit", () =>
  require("node:fs").writeFileSync(
    process.env.TUNNELC_TEST_LOADED,
    JSON.stringify({ modules: process.moduleLoadList, caches }),
  ),
);
`;

function loadedBy(args: string[]): {
  modules: string[];
  caches: { file: string; rejected: boolean | undefined }[];
} {
  const preload = join(work, "preload.cjs");
  const out = join(work, "loaded.json");
  writeFileSync(preload, PRELOAD);
  const r = spawnSync(process.execPath, ["-r", preload, CLI, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    env: { ...process.env, TUNNELC_TEST_LOADED: out },
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(readFileSync(out, "utf8"));
}

test("compile loads no child_process, dgram, readline or assert, and runs from the build's code cache", () => {
  const { modules, caches } = loadedBy([
    "compile",
    join(ROOT, "docs/examples/phone-home.json"),
    "-o",
    "-",
  ]);
  for (const m of ["child_process", "dgram", "readline/promises", "readline", "assert"])
    assert.ok(!modules.includes(`NativeModule ${m}`), `compile loaded node:${m}`);
  // Nor, through its own bundle (src/compile-main.ts), what a stream on stdout or stderr, colour
  // detection or a V8 flag would load (src/print.ts, src/young-generation.ts), nor node:module
  // (neither the loader nor lazyBuiltin needs it: src/builtin.ts).
  for (const m of ["tty", "net", "stream", "v8", "module"])
    assert.ok(!modules.includes(`NativeModule ${m}`), `compile loaded node:${m}`);
  assert.ok(modules.includes("NativeModule path"), "the preload saw no modules");
  assert.deepEqual(
    caches.map((c) => ({ file: c.file.replace(/.*\//, ""), rejected: c.rejected })),
    [{ file: "compile.cjs", rejected: false }],
  );
});

test("a command line the lean compile leaves to the full CLI runs it from its code cache", () => {
  const { caches } = loadedBy([
    "compile",
    join(ROOT, "docs/examples/fleet.json"),
    "-o",
    "-",
    "--root",
    work,
  ]);
  // The CLI sets a V8 flag once started (src/cli.ts), which the code cache written at the
  // build's exit must not carry: V8 would reject it at every start.
  assert.deepEqual(
    caches.map((c) => ({ file: c.file.replace(/.*\//, ""), rejected: c.rejected })),
    [
      { file: "compile.cjs", rejected: false },
      { file: "cli.cjs", rejected: false },
    ],
  );
});

test("doctor runs systemctl (child_process) and probes a port (net) through the built CLI", async () => {
  const bin = join(work, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "systemctl"), '#!/bin/sh\necho "systemd 999 (999-fake)"\n');
  chmodSync(join(bin, "systemctl"), 0o755);
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, "127.0.0.1", () => r()));
  const port = (busy.address() as { port: number }).port;
  const spec = join(work, "s.json");
  writeFileSync(
    spec,
    JSON.stringify({
      name: "t",
      identity: join(work, "id"),
      server: { host: "h" },
      forwards: [{ local: port, to: "db:1" }],
    }),
  );
  const r = tunnelc(["doctor", spec, "--json"], {
    env: { PATH: `${bin}${delimiter}${process.env.PATH ?? ""}` },
  });
  busy.close();
  assert.equal(r.stderr, "");
  const checks = (JSON.parse(r.stdout) as { checks: { name: string; detail: string }[] }).checks;
  const detail = (name: string) => checks.find((c) => c.name === name)?.detail ?? "";
  assert.match(detail("systemd"), /systemd 999/);
  assert.match(detail(`t: port ${port}`), /EADDRINUSE/);
});
