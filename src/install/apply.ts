// Carrying out a plan: files first (each atomic, backups before replacing), then systemctl.
import {
  closeStaging,
  ensureDir,
  openStaging,
  stagingDirFor,
  writeFileAtomic,
} from "./atomic-write.ts";
import { runChecked, type RunResult, type Runner } from "./systemctl.ts";
import { SystemError } from "../errors.ts";
import { reason } from "../specfile/read.ts";
import type { Command, FileAction } from "./plan.ts";

export interface Applied {
  /** Tolerated failures, as "argv: stderr" lines. */
  warnings: string[];
}

export function applyFiles(dir: string, files: FileAction[]): void {
  if (files.every((f) => f.kind === "unchanged")) return;
  try {
    ensureDir(dir);
    const stagingDir = openStaging(stagingDirFor(dir));
    for (const f of files) {
      if (f.kind === "unchanged") continue;
      if (f.kind === "replace") writeFileAtomic(f.backup, f.old, { mode: 0o644, stagingDir });
      writeFileAtomic(f.path, f.text, { mode: 0o644, stagingDir });
    }
    closeStaging(stagingDir);
  } catch (e) {
    if (e instanceof SystemError) throw e;
    throw new SystemError(`cannot write to ${dir}: ${reason(e)}`);
  }
}

/** Explains a failed command that starts units (which of them did not come up, and why). */
export type StartFailure = (c: Command & { starts: string[] }, r: RunResult) => SystemError;

export function applyCommands(
  runner: Runner,
  commands: Command[],
  onStartFailure?: StartFailure,
): Applied {
  const warnings: string[] = [];
  for (const c of commands) {
    if (c.starts !== undefined && onStartFailure !== undefined) {
      const r = runner.run(c.argv);
      if (r.status !== 0) throw onStartFailure({ ...c, starts: c.starts }, r);
      continue;
    }
    if (!c.tolerate) {
      runChecked(runner, c.argv);
      continue;
    }
    const r = runner.run(c.argv);
    if (r.status !== 0)
      warnings.push(`${c.argv.join(" ")}: ${r.stderr.trim() || `exit status ${r.status}`}`);
  }
  return { warnings };
}
