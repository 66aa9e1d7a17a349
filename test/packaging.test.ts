// docs/packaging.md's commands, run as written against a temporary root with the real
// systemctl (offline: --root needs no running manager) and the built CLI.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
  chmodSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, ROOT } from "./helpers/paths.ts";
import { hasTool, needs } from "./helpers/prereq.ts";
import { verifyUnits, hasSystemdAnalyze } from "./helpers/systemd.ts";

const DOC = readFileSync(join(ROOT, "docs", "packaging.md"), "utf8");
const blocks = [...DOC.matchAll(/```sh packaging-test\n([\s\S]*?)```/g)].map((m) => m[1]!);

test("docs/packaging.md has its tested blocks", () => assert.equal(blocks.length, 2));

function runBlock(script: string) {
  const dir = mkdtempSync(join(tmpdir(), "tunnelc-pkg-"));
  const bin = join(dir, "bin");
  spawnSync("mkdir", ["-p", bin]);
  writeFileSync(join(bin, "tunnelc"), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, "tunnelc"), 0o755);
  copyFileSync(join(ROOT, "docs", "examples", "office.json"), join(dir, "tunnels.json"));
  const pkgdir = join(dir, "pkg");
  const root = join(dir, "root");
  const r = spawnSync("bash", ["-euo", "pipefail", "-c", script], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, pkgdir, ROOT: root, NO_COLOR: "1" },
  });
  return { ...r, pkgdir, root };
}

const UNITS = ["office-db.service", "office-reverse.service", "office-socks.service"];

test("Arch: the PKGBUILD lines put units and spec in the package", (t) => {
  const r = runBlock(blocks[0]!);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(join(r.pkgdir, "usr/lib/systemd/system")).sort(), UNITS);
  // Not in etc/tunnelc: a spec there would be installed again by a bare `tunnelc install`.
  assert.ok(existsSync(join(r.pkgdir, "usr/share/tunnelc/tunnels.json")));
  assert.ok(!existsSync(join(r.pkgdir, "etc")));
  if (!needs(t, "systemd-analyze", hasSystemdAnalyze())) return;
  const v = verifyUnits(UNITS.map((u) => join(r.pkgdir, "usr/lib/systemd/system", u)));
  assert.ok(v.ok, v.output);
});

test("image: install --enable --root gives units systemctl --root reports enabled", (t) => {
  if (!needs(t, "systemctl", hasTool("systemctl"))) return;
  const r = runBlock(blocks[1]!);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split("\n").pop(), "enabled");
  for (const u of UNITS) {
    const link = join(r.root, "etc/systemd/system/multi-user.target.wants", u);
    assert.ok(lstatSync(link).isSymbolicLink(), `${link} is a symlink`);
    const state = spawnSync("systemctl", [`--root=${r.root}`, "is-enabled", u], {
      encoding: "utf8",
    });
    assert.equal(state.stdout.trim(), "enabled");
  }
});

test("a bad spec fails the package build and writes nothing", () => {
  const r = runBlock(`echo '{"name": "x"}' > tunnels.json\n${blocks[0]!}`);
  assert.notEqual(r.status, 0);
  assert.equal(existsSync(r.pkgdir), false);
});
