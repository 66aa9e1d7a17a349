// The API's declarations are committed (types/api.d.ts) so that the build needs no TypeScript (a
// distribution's offline package build has none: docs/packaging.md); they must be what tsc
// declares for src/api.ts today.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./helpers/paths.ts";
// @ts-expect-error: a build script without declarations of its own
import { API_TYPES, apiDeclarations } from "../scripts/api-types.mjs";

test("types/api.d.ts is tsc's declarations of src/api.ts (npm run docs rewrites it)", async () => {
  const committed = readFileSync(join(ROOT, API_TYPES as string), "utf8");
  const now = (await (apiDeclarations as () => Promise<string>)()) as string;
  assert.equal(committed, now, "types/api.d.ts is stale: run npm run docs");
  assert.match(committed, /^export declare function compile\(/m);
});

test("the build ships the committed declarations as both faces", () => {
  const committed = readFileSync(join(ROOT, API_TYPES as string), "utf8");
  for (const ext of ["d.mts", "d.cts"])
    assert.equal(readFileSync(join(ROOT, "dist", `api.${ext}`), "utf8"), committed);
});
