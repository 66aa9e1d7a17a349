// Golden cases: test/golden/<case>/spec.json → the exact unit files, plus diagnostics.txt with
// any warnings. Every case's units also pass systemd-analyze verify (test/verify.test.ts).
import { test } from "node:test";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { compileSpecs } from "../src/render/units.ts";
import { formatDiagnostic } from "../src/report.ts";
import { assertGoldenDir } from "./helpers/golden.ts";
import { ROOT } from "./helpers/paths.ts";

export const GOLDEN = join(ROOT, "test", "golden");

export function goldenCases(): string[] {
  return readdirSync(GOLDEN).sort();
}

export function compileCase(name: string): Record<string, string> {
  const text = readFileSync(join(GOLDEN, name, "spec.json"), "utf8");
  const result = compileSpecs([{ file: "spec.json", text }]);
  const files: Record<string, string> = Object.fromEntries(
    result.units.map((u) => [u.fileName, u.text]),
  );
  files["diagnostics.txt"] = result.diagnostics.map((d) => formatDiagnostic(d) + "\n").join("");
  return files;
}

for (const name of goldenCases()) {
  test(`golden: ${name}`, () => {
    assertGoldenDir(join(GOLDEN, name), compileCase(name), (f) => f !== "spec.json");
  });
}
