// The package as a user gets it: the tarball .ci/run packed from the clean checkout (its prepack
// builds dist/), named in TUNNELC_TARBALL; otherwise npm pack of this tree into `dir`, with
// --ignore-scripts: the tree is already built.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./paths.ts";

export function packedTarball(dir: string): string {
  const given = process.env.TUNNELC_TARBALL;
  if (given !== undefined) return given;
  const packed = spawnSync(
    "npm",
    ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir],
    { cwd: ROOT, encoding: "utf8" },
  );
  assert.equal(packed.status, 0, packed.stderr);
  return join(dir, packed.stdout.trim().split("\n").pop() ?? "");
}
