// The one executor: performs a plan's effects in order. Files are written atomically through a
// staging directory (atomic-write.ts), commands run through the injectable Runner; a tolerated
// command's failure comes back as a warning, any other failure stops the run as a SystemError.
import { chmodSync, mkdirSync, rmSync } from "node:fs";
import { closeStaging, ensureDir, openStaging, writeFileAtomic } from "../install/atomic-write.ts";
import { runChecked, type RunResult, type Runner } from "../install/systemctl.ts";
import { SystemError } from "../errors.ts";
import { reason } from "../specfile/read.ts";
import type { Effect } from "./plan.ts";

export interface Executed {
  /** Tolerated failures, as "argv: stderr" lines. */
  warnings: string[];
}

/** Explains a failed command that starts units: which of them did not come up, and why. */
export type StartFailure = (c: { argv: string[]; starts: string[] }, r: RunResult) => SystemError;

export function execute(
  effects: readonly Effect[],
  runner: Runner,
  onStartFailure?: StartFailure,
): Executed {
  const warnings: string[] = [];
  const staged = new Set<string>();
  // Staging goes once its files are in place (before the commands that read them); a failed
  // write leaves it, empty, for the next run to clear.
  const closeAll = () => {
    for (const dir of staged) closeStaging(dir);
    staged.clear();
  };
  for (const e of effects) {
    if (e.kind === "run") {
      closeAll();
      if (e.starts !== undefined && onStartFailure !== undefined) {
        const r = runner.run(e.argv);
        if (r.status !== 0) throw onStartFailure({ argv: e.argv, starts: e.starts }, r);
      } else if (e.tolerate) warnings.push(...tolerated(runner, e.argv));
      else if (e.failure === undefined) runChecked(runner, e.argv);
      else checkedAs(runner, e.argv, e.failure);
      continue;
    }
    // A staging directory is cleared of a crashed run's leftovers before its first use.
    if (e.kind === "write" && e.staging !== undefined && !staged.has(e.staging))
      fileEffect(e, () => staged.add(openStaging(e.staging!)));
    fileEffect(e, () => perform(e));
  }
  closeAll();
  return { warnings };
}

function perform(e: Exclude<Effect, { kind: "run" }>): void {
  if (e.kind === "mkdir" && e.mode === undefined) ensureDir(e.path);
  else if (e.kind === "mkdir") {
    mkdirSync(e.path, { recursive: true, mode: e.mode! });
    chmodSync(e.path, e.mode!);
  } else if (e.kind === "chmod") chmodSync(e.path, e.mode);
  else if (e.kind === "remove") rmSync(e.path, { force: true });
  else
    writeFileAtomic(e.path, e.text, {
      mode: e.mode,
      durable: e.durable,
      ...(e.staging !== undefined && { stagingDir: e.staging }),
    });
}

const FAILURE = {
  mkdir: "cannot create",
  chmod: "cannot set the mode of",
  write: "cannot write",
  remove: "cannot remove",
};

function fileEffect(e: Exclude<Effect, { kind: "run" }>, act: () => unknown): void {
  try {
    act();
  } catch (err) {
    if (err instanceof SystemError) throw err;
    throw new SystemError(`${e.failure ?? `${FAILURE[e.kind]} ${e.path}`}: ${reason(err)}`);
  }
}

function tolerated(runner: Runner, argv: string[]): string[] {
  const r = runner.run(argv);
  return r.status === 0
    ? []
    : [`${argv.join(" ")}: ${r.stderr.trim() || `exit status ${r.status}`}`];
}

function checkedAs(runner: Runner, argv: string[], failure: string): void {
  const r = runner.run(argv);
  if (r.status !== 0) throw new SystemError(failure, r.stderr.trim(), "system/command");
}
