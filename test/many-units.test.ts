// More tunnel units on one host than it was measured to start at once (docs/reliability.md "Many
// tunnels on one host"): install and the generator say so, as a warning with its code, and
// still do their work.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tunnelc } from "./helpers/run-cli.ts";
import { fleetSpecText } from "./helpers/fleet-spec.ts";
import { MANY_CREDENTIAL_UNITS, MANY_UNITS } from "../src/model/host-load.ts";

const work = mkdtempSync(join(tmpdir(), "tunnelc-many-"));

/** A directory holding one fleet spec of `count` tunnels (with a static account: `user`). */
function specDir(count: number, user?: string): { dir: string; file: string } {
  const dir = join(work, `specs-${count}-${user ?? "dynamic"}`);
  mkdirSync(dir);
  const file = join(dir, "fleet.json");
  const names = Array.from({ length: count }, (_, i) => `t${i}`);
  writeFileSync(file, fleetSpecText(names, user === undefined ? {} : { user }));
  return { dir, file };
}

interface Said {
  code: string;
  severity: string;
  file: string | null;
}

const codesOf = (stdout: string): Said[] =>
  (JSON.parse(stdout) as { diagnostics: Said[] }).diagnostics;

// A static account's system units keep systemd's credentials, a mount each: the cliff is lower.
for (const [count, warned, user] of [
  [MANY_UNITS, false, undefined],
  [MANY_UNITS + 1, true, undefined],
  [MANY_CREDENTIAL_UNITS, false, "tunnel"],
  [MANY_CREDENTIAL_UNITS + 1, true, "tunnel"],
] as const) {
  const { dir, file } = specDir(count, user);

  test(`install --root of ${count} tunnels${user ? " with a static account" : ""}: ${warned ? "warned (install/many-units), and installed" : "no warning"}`, () => {
    const root = join(work, `root-${count}-${user ?? "dynamic"}`);
    mkdirSync(root);
    const r = tunnelc(["install", file, "--root", root, "--dry-run", "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const said = codesOf(r.stdout).filter((d) => d.code === "install/many-units");
    assert.equal(said.length, warned ? 1 : 0, r.stdout.slice(0, 2000));
    if (warned) assert.equal(said[0]!.severity, "warning");
    // In text: one "warning:" line naming the count and the page.
    const text = tunnelc(["install", file, "--root", root, "--dry-run"]);
    assert.equal(text.status, 0, text.stderr);
    assert.equal(
      /warning: \d+ tunnel units on one host[:,] .*Many tunnels on one host/.test(text.stderr),
      warned,
      text.stderr,
    );
  });

  test(`the generator over ${count} tunnels${user ? " with a static account" : ""}: ${warned ? "warned at the spec (generator/many-units), every unit made" : "no warning"}`, () => {
    const r = tunnelc(["generate", "--dry-run", "--json", "--spec-dir", dir]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { files: { path: string }[]; diagnostics: Said[] };
    const said = out.diagnostics.filter((d) => d.code === "generator/many-units");
    assert.equal(said.length, warned ? 1 : 0);
    if (warned) {
      assert.equal(said[0]!.severity, "warning");
      assert.equal(said[0]!.file, file);
    }
    assert.equal(out.files.filter((f) => f.path.endsWith(".service")).length, count);
  });
}
