// Unified diffs of unit files, for install's "updated" report and `tunnelc diff`.
import { createTwoFilesPatch } from "diff";

export function unifiedDiff(path: string, before: string, after: string): string {
  const patch = createTwoFilesPatch(`${path} (installed)`, `${path} (new)`, before, after, "", "", {
    context: 3,
  });
  // Drop jsdiff's "Index:"/"====" preamble: keep the ---/+++ header and hunks.
  return patch
    .split("\n")
    .filter((l, i) => !(i < 2 && (l.startsWith("Index:") || l.startsWith("===="))))
    .join("\n");
}
