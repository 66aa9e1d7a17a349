// The hostile corpus through the real CLI: every bad spec gives exit 1, located messages,
// nothing written, no stack trace. Plus the cases too big to keep as files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./helpers/paths.ts";
import { tunnelc } from "./helpers/run-cli.ts";
import { compileSpecs } from "../src/render/units.ts";

const CORPUS = join(ROOT, "test", "invalid");
const files = readdirSync(CORPUS)
  .filter((f) => f.endsWith(".json"))
  .sort();

test("the hostile corpus has at least 60 specs", () =>
  assert.ok(files.length >= 60, `${files.length}`));

for (const f of files) {
  test(`CLI refuses ${f}: exit 1, located, nothing written`, () => {
    const out = join(mkdtempSync(join(tmpdir(), "tunnelc-hostile-")), "out");
    const r = tunnelc(["compile", join(CORPUS, f), "-o", out]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`^${join(CORPUS, f).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: /`, "m"),
    );
    assert.equal(existsSync(out), false);
    assert.doesNotMatch(r.stderr, /\n\s+at .*:\d+:\d+\)?\n/, "no stack trace");
    assert.doesNotMatch(
      r.stderr.replace(/\n/g, ""),
      /[\u0000-\u001f\u007f]/,
      "no raw control characters reach the terminal",
    );
  });
}

const tunnel = (i: number) => ({
  name: `t${i}`,
  server: { host: "h" },
  forwards: [{ dynamic: 1024 + (i % 60000) }],
});

test("a list of 10,001 tunnels is refused at the list", () => {
  const text = JSON.stringify({ tunnels: Array.from({ length: 10_001 }, (_, i) => tunnel(i)) });
  const r = compileSpecs([{ file: "big.json", text }]);
  assert.equal(r.ok, false);
  assert.equal(r.diagnostics[0]?.location.pointer, "/tunnels");
  assert.match(r.diagnostics[0]!.message, /at most 10000/);
});

test("a spec over 64 MiB is refused before parsing, exit 1, located at 1:1", () => {
  const f = join(mkdtempSync(join(tmpdir(), "tunnelc-huge-")), "huge.json");
  writeFileSync(f, `{"name": "x", "description": "${"a".repeat(64 * 1024 * 1024)}"}`);
  const r = tunnelc(["validate", f]);
  assert.equal(r.status, 1);
  assert.match(
    r.stderr,
    /huge\.json:1:1: \/: the spec is \d+ bytes; specs larger than 67108864 bytes are refused/,
  );
});

test("nesting a million levels deep is refused, not a stack overflow", () => {
  for (const text of ["[".repeat(1_000_000), '{"a":'.repeat(100_000) + "1" + "}".repeat(100_000)]) {
    const r = compileSpecs([{ file: "deep.json", text }]);
    assert.equal(r.ok, false);
    assert.match(r.diagnostics[0]!.message, /nested deeper than 32 levels/);
  }
});

test("one tunnel name in two files is refused", () => {
  const spec = JSON.stringify(tunnel(1));
  const r = compileSpecs([
    { file: "a.json", text: spec },
    { file: "b.json", text: spec.replace('"dynamic":1025', '"dynamic":2000') },
  ]);
  assert.equal(r.ok, false);
  assert.match(
    r.diagnostics.map((d) => d.message).join("\n"),
    /tunnel name "t1" is also defined in a\.json/,
  );
});
