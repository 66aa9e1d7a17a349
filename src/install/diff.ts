// Unified diffs of unit files, for install's "updated" report and `tunnelc diff`.
import { createTwoFilesPatch } from "diff";
import { ownershipOf } from "./ownership.ts";

export function unifiedDiff(
  path: string,
  before: string,
  after: string,
  beforeLabel = "installed",
): string {
  const patch = createTwoFilesPatch(
    `${path} (${beforeLabel})`,
    `${path} (new)`,
    before,
    after,
    "",
    "",
    { context: 3 },
  );
  // Drop jsdiff's "Index:"/"====" preamble: keep the ---/+++ header and hunks.
  return patch
    .split("\n")
    .filter((l, i) => !(i < 2 && (l.startsWith("Index:") || l.startsWith("===="))))
    .join("\n");
}

/** Control characters no unit file holds (systemd.syntax(7): a unit is text). */
const NOT_TEXT = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]/;

/**
 * The diff of the file at path (undefined: none) against a new unit. A file tunnelc did not
 * write is never printed, nor one that is not text: it may be anything a link or a careless
 * copy put there (a key, /etc/shadow), so the diff shows only the new unit, its old side
 * "not shown".
 */
export function unitDiff(path: string, before: string | undefined, after: string): string {
  if (before === undefined) return unifiedDiff(path, "", after);
  if (NOT_TEXT.test(before) || !ownershipOf(before).owned)
    return unifiedDiff(path, "", after, "installed: not a tunnelc unit, not shown");
  return unifiedDiff(path, before, after);
}
