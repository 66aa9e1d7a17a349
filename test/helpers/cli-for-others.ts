// The built CLI as another account can run it. Tests that run tunnelc as nobody (setpriv) need
// every directory above bin/ and dist/ searchable by others, which a checkout below a 0700
// directory (mktemp -d) is not: they get a copy in a directory every account may read.
import { chmodSync, cpSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, ROOT } from "./paths.ts";

let copy: string | undefined;

/** bin/tunnelc.cjs, or a world-readable copy of bin/ and dist/ when others cannot reach it. */
export function cliForOthers(): string {
  if (copy !== undefined) return copy;
  if (searchableByOthers(CLI)) return (copy = CLI);
  const dir = mkdtempSync(join(tmpdir(), "tunnelc-cli-"));
  chmodSync(dir, 0o755);
  for (const d of ["bin", "dist"]) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
  return (copy = join(dir, "bin", "tunnelc.cjs"));
}

/** Whether every directory above path lets others search it (mode o+x). */
function searchableByOthers(path: string): boolean {
  const parts = path.split("/").slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const dir = parts.slice(0, i).join("/") || "/";
    // Root, which runs these tests, passes access(2) anyway: read the mode bits instead.
    if ((statSync(dir).mode & 0o001) === 0) return false;
  }
  return true;
}
