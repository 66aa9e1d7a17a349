// Golden files: compare, or rewrite with UPDATE_GOLDEN=1 (and review the diff).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { updateGolden } from "./paths.ts";

/** Compare a whole directory of expected files (by name) with what was produced. */
export function assertGoldenDir(
  dir: string,
  produced: Record<string, string>,
  keep: (f: string) => boolean,
): void {
  if (updateGolden) {
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(dir)) if (keep(f)) rmSync(join(dir, f));
    for (const [name, text] of Object.entries(produced)) writeFileSync(join(dir, name), text);
    return;
  }
  const expected = existsSync(dir) ? readdirSync(dir).filter(keep).sort() : [];
  assert.deepEqual(Object.keys(produced).sort(), expected, `files in ${dir}`);
  for (const name of expected) {
    assert.equal(
      produced[name],
      readFileSync(join(dir, name), "utf8"),
      `${join(dir, name)} (UPDATE_GOLDEN=1 rewrites)`,
    );
  }
}

export function assertGoldenFile(path: string, produced: string): void {
  if (updateGolden) {
    writeFileSync(path, produced);
    return;
  }
  assert.ok(existsSync(path), `missing golden file ${path} (UPDATE_GOLDEN=1 writes it)`);
  assert.equal(produced, readFileSync(path, "utf8"), `${path} (UPDATE_GOLDEN=1 rewrites)`);
}
