// Invalid cases: test/invalid/<case>.json → exit 1 and the exact diagnostics text in <case>.txt.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { compileSpecs } from "../src/render/units.ts";
import { formatDiagnostic } from "../src/report.ts";
import { assertGoldenFile } from "./helpers/golden.ts";
import { ROOT } from "./helpers/paths.ts";

const DIR = join(ROOT, "test", "invalid");

for (const file of readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .sort()) {
  test(`invalid: ${file}`, () => {
    const text = readFileSync(join(DIR, file), "utf8");
    const result = compileSpecs([{ file, text }]);
    assert.equal(result.ok, false, "the spec must be refused");
    assert.equal(result.units.length, 0);
    assert.ok(result.diagnostics.every((d) => d.location.line >= 1 && d.location.column >= 1));
    const report = result.diagnostics.map((d) => formatDiagnostic(d) + "\n").join("");
    assertGoldenFile(join(DIR, file.replace(/\.json$/, ".txt")), report);
  });
}
