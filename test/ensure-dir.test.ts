// ensureDir (src/edge/atomic-write.ts): mkdir -p from the deepest directory there already, with
// the same outcome as a walk from "/": what is there is kept, what is missing is made with the
// mode asked (less the umask), and a part that is not a directory is named in an ENOTDIR.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDir } from "../src/edge/atomic-write.ts";

const CASES: [what: string, path: string, outcome: "made" | RegExp][] = [
  ["there already", "d", "made"],
  ["its last part missing", "d/new", "made"],
  ["several parts missing", "d/a/b/c", "made"],
  ["through a link to a directory", "link/x/y", "made"],
  ["relative parts resolved", "d/../d/./z", "made"],
  ["a file on the way", "file/sub", /file is not a directory$/],
  ["the path itself a file", "file", /file is not a directory$/],
  ["a link to a file on the way", "filelink/sub", /filelink is not a directory$/],
];

for (const [what, path, outcome] of CASES)
  test(`ensureDir: ${what}`, () => {
    const work = mkdtempSync(join(tmpdir(), "tunnelc-ensure-"));
    try {
      mkdirSync(join(work, "d"));
      writeFileSync(join(work, "file"), "");
      symlinkSync("d", join(work, "link"));
      symlinkSync("file", join(work, "filelink"));
      const target = join(work, path);
      if (outcome === "made") {
        ensureDir(target, 0o700);
        assert.ok(statSync(target).isDirectory());
        if (path !== "d") assert.equal(statSync(target).mode & 0o777, 0o700);
      } else
        assert.throws(
          () => ensureDir(target),
          (e: NodeJS.ErrnoException) => e.code === "ENOTDIR" && outcome.test(e.message),
        );
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

test("ensureDir: a directory the file system will not make fails, and does not loop", () => {
  assert.throws(() => ensureDir("/proc/tunnelc-no-such/x"), { code: "ENOENT" });
});
