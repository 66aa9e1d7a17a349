// docs/packaging.md's tested blocks, read one way for every test that runs them: a recipe is its
// files (```LANG recipe=NAME file=PATH) and its one script (```sh recipe=NAME); a single block
// is ```sh KIND.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./paths.ts";

export const PACKAGING_DOC = readFileSync(join(ROOT, "docs", "packaging.md"), "utf8");

export interface Recipe {
  files: [string, string][];
  script: string;
}

export function recipe(name: string): Recipe {
  const files = [...PACKAGING_DOC.matchAll(/```\S+ recipe=(\w+) file=(\S+)\n([\s\S]*?)```/g)]
    .filter((m) => m[1] === name)
    .map((m): [string, string] => [m[2]!, m[3]!]);
  const scripts = [...PACKAGING_DOC.matchAll(/```sh recipe=(\w+)\n([\s\S]*?)```/g)]
    .filter((m) => m[1] === name)
    .map((m) => m[2]!);
  assert.equal(scripts.length, 1, `docs/packaging.md: one sh recipe=${name} block`);
  return { files, script: scripts[0]! };
}

/** The one ```sh KIND block. */
export function docBlock(kind: string): string {
  const found = [
    ...PACKAGING_DOC.matchAll(new RegExp("```sh " + kind + "\\n([\\s\\S]*?)```", "g")),
  ];
  assert.equal(found.length, 1, `docs/packaging.md: one sh ${kind} block`);
  return found[0]![1]!;
}
