// Faults during install, injected into the real process (src/edge/failpoint.ts): a full disk,
// a failing fsync or rename, a kill between steps, a failing systemctl. Each leaves the old unit
// or the new one, never a half-written file, never a temp file in the unit directory.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { CLI } from "./helpers/paths.ts";
import { compileSpecs } from "../src/render/units.ts";

const spec = (port: number, names = ["a", "b", "c"]) =>
  JSON.stringify({
    tunnels: names.map((name, i) => ({
      name,
      server: { host: "relay.example.net" },
      identity: `/etc/tunnelc/keys/${name}`,
      forwards: [{ remote: port + i, to: "localhost:22" }],
    })),
  });

function setup() {
  const base = mkdtempSync(join(tmpdir(), "tunnelc-fault-"));
  const root = join(base, "root");
  const dir = join(root, "etc/systemd/system");
  const oldSpec = join(base, "old.json");
  const newSpec = join(base, "new.json");
  writeFileSync(oldSpec, spec(2000));
  writeFileSync(newSpec, spec(3000));
  const compiled = (f: string) =>
    Object.fromEntries(
      compileSpecs([
        { file: f.endsWith("old.json") ? "old.json" : "new.json", text: readFileSync(f, "utf8") },
      ]).units.map((u) => [u.fileName, u.text]),
    );
  return {
    base,
    root,
    dir,
    oldSpec,
    newSpec,
    oldUnits: compiled(oldSpec),
    newUnits: compiled(newSpec),
  };
}

function install(specFile: string, root: string, failpoint?: string, path?: string) {
  return spawnSync(process.execPath, [CLI, "install", specFile, "--root", root], {
    encoding: "utf8",
    env: {
      ...process.env,
      NO_COLOR: "1",
      ...(failpoint && { TUNNELC_FAILPOINT: failpoint }),
      ...(path && { PATH: path }),
    },
  });
}

/** Every unit file is entirely the old version or entirely the new one; no temp files. */
function assertConsistent(
  dir: string,
  oldUnits: Record<string, string>,
  newUnits: Record<string, string>,
) {
  for (const f of readdirSync(dir)) {
    assert.ok(f.endsWith(".service"), `stray file in the unit directory: ${f}`);
    const text = readFileSync(join(dir, f), "utf8");
    assert.ok(
      text === oldUnits[f] || text === newUnits[f],
      `${f} is neither the old nor the new unit`,
    );
  }
}

const FAULTS: [string, string, RegExp][] = [
  ["a full disk while writing", "write:ENOSPC", /ENOSPC/],
  ["a failing fsync", "fsync:EIO", /EIO/],
  ["a failing rename", "rename:EIO", /EIO/],
];

for (const [name, fp, message] of FAULTS) {
  test(`${name}: exit 3, the old units stay, no temp files`, () => {
    const s = setup();
    assert.equal(install(s.oldSpec, s.root).status, 0);
    const r = install(s.newSpec, s.root, fp);
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    assertConsistent(s.dir, s.oldUnits, {});
    assert.deepEqual(readdirSync(join(s.root, "etc/systemd/.tunnelc-staging")), []);
  });
}

test("killed after the temp file is written: the old unit stays; the next run cleans up", () => {
  const s = setup();
  assert.equal(install(s.oldSpec, s.root).status, 0);
  const r = install(s.newSpec, s.root, "after-temp:KILL");
  assert.equal(r.signal, "SIGKILL");
  assertConsistent(s.dir, s.oldUnits, {});
  const staging = join(s.root, "etc/systemd/.tunnelc-staging");
  assert.equal(
    readdirSync(staging).length,
    1,
    "the killed run's temp file is in staging, not in the unit directory",
  );
  assert.equal(install(s.newSpec, s.root).status, 0);
  assertConsistent(s.dir, {}, s.newUnits);
  assert.equal(existsSync(staging), false, "staging is cleared and removed");
});

test("killed between two units: each unit is whole, old or new; a rerun finishes", () => {
  const s = setup();
  assert.equal(install(s.oldSpec, s.root).status, 0);
  const r = install(s.newSpec, s.root, "after-rename:KILL");
  assert.equal(r.signal, "SIGKILL");
  assertConsistent(s.dir, s.oldUnits, s.newUnits);
  assert.equal(readFileSync(join(s.dir, "a.service"), "utf8"), s.newUnits["a.service"]);
  assert.equal(readFileSync(join(s.dir, "b.service"), "utf8"), s.oldUnits["b.service"]);
  assert.equal(install(s.newSpec, s.root).status, 0);
  assertConsistent(s.dir, {}, s.newUnits);
});

test("a failing systemctl: exit 3 with its stderr; the written units are kept", () => {
  const s = setup();
  const bin = join(s.base, "bin");
  mkdirSync(bin);
  writeFileSync(
    join(bin, "systemctl"),
    "#!/bin/sh\necho 'Failed to enable unit: injected failure' >&2\nexit 1\n",
  );
  chmodSync(join(bin, "systemctl"), 0o755);
  const r = spawnSync(process.execPath, [CLI, "install", s.newSpec, "--root", s.root, "--enable"], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", PATH: `${bin}:${process.env.PATH}` },
  });
  assert.equal(r.status, 3);
  assert.match(
    r.stderr,
    /systemctl --root=.* enable a\.service b\.service c\.service failed with exit status 1/,
  );
  assert.match(r.stderr, /Failed to enable unit: injected failure/);
  assertConsistent(s.dir, {}, s.newUnits);
});

test("a missing systemctl is a system error, not a crash", () => {
  const s = setup();
  const r = spawnSync(process.execPath, [CLI, "install", s.newSpec, "--root", s.root, "--enable"], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", PATH: join(s.base, "empty") },
  });
  assert.equal(r.status, 3);
  assert.match(r.stderr, /systemctl not found/);
});
