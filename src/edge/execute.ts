// The one executor: performs a plan's effects in order. File effects go to the file applier
// (apply-files.ts: atomic writes through a staging directory, plain ones for a generator's
// tmpfs), commands run through the injectable Runner; a tolerated command's failure comes back
// as a warning, any other failure stops the run as a SystemError.
import { runChecked, type RunResult, type Runner } from "./systemctl.ts";
import { SystemError } from "../errors.ts";
import { FileApplier } from "./apply-files.ts";
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
  const files = new FileApplier();
  for (const e of effects) {
    if (e.kind !== "run") {
      files.apply(e);
      continue;
    }
    // Staging goes once its files are in place, before the commands that read them.
    files.close();
    if (e.starts !== undefined && onStartFailure !== undefined) {
      const r = runner.run(e.argv);
      if (r.status !== 0) throw onStartFailure({ argv: e.argv, starts: e.starts }, r);
    } else if (e.tolerate) warnings.push(...tolerated(runner, e.argv));
    else if (e.failure === undefined) runChecked(runner, e.argv);
    else checkedAs(runner, e.argv, e.failure);
  }
  files.close();
  return { warnings };
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
