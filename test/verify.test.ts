// systemd's own checks on every unit we emit: `systemd-analyze verify` on each golden and
// example unit, and the exposure score of the strict ones (`systemd-analyze security`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./helpers/paths.ts";
import { needs } from "./helpers/prereq.ts";
import { hasSystemdAnalyze, securityScore, verifyUnits } from "./helpers/systemd.ts";

function unitFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".service"))
    .sort()
    .map((f) => join(dir, f));
}

const golden = unitFiles(join(ROOT, "test", "golden"));
const examples = unitFiles(join(ROOT, "units"));

test("there are units to verify", () => {
  assert.ok(golden.length >= 15, `only ${golden.length} golden units`);
  assert.ok(examples.length >= 4);
});

for (const file of [...golden, ...examples]) {
  test(`systemd-analyze verify ${file.slice(ROOT.length + 1)}`, (t) => {
    if (!needs(t, "systemd-analyze", hasSystemdAnalyze())) return;
    const { ok, output } = verifyUnits([file]);
    assert.ok(ok, output);
  });
}

// User units are scored and printed but not bounded: the analyzer rates them as system units, and
// a user manager has no capabilities to drop or user namespace to set up for them.
const USER_UNITS = /scope-user|multi\/c\.service/;

test("strict system units score at most 1.5 in systemd-analyze security", (t) => {
  if (!needs(t, "systemd-analyze", hasSystemdAnalyze())) return;
  const strict = [...golden, ...examples].filter((f) => !/hardening-(basic|none)/.test(f));
  for (const f of strict.filter((f) => USER_UNITS.test(f))) {
    t.diagnostic(
      `${securityScore(f).toFixed(1)} ${f.slice(ROOT.length + 1)} (user unit, not bounded)`,
    );
  }
  const scores = strict
    .filter((f) => !USER_UNITS.test(f))
    .map((f) => [f.slice(ROOT.length + 1), securityScore(f)] as const);
  for (const [f, score] of scores) t.diagnostic(`${score.toFixed(1)} ${f}`);
  const worst = scores.filter(([, s]) => s > 1.5);
  assert.deepEqual(worst, [], "units over 1.5");
});

test("the none profile is as exposed as the seed's plain unit", (t) => {
  if (!needs(t, "systemd-analyze", hasSystemdAnalyze())) return;
  const plain = securityScore(join(ROOT, "test", "golden", "hardening-none", "plain.service"));
  t.diagnostic(`none profile: ${plain}`);
  assert.ok(plain >= 9, `expected an unsandboxed unit, got ${plain}`);
});
