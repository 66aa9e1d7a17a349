// The generator's compile, for a run whose memo did not answer: the plan (plan.ts), its log
// lines, the keeper, and the memo the keeper keeps for the next boot. Pure; the one part of a
// generator run dist/generator.cjs loads only when it is needed (dist/generator-compile.cjs).
import { join } from "node:path";
import type { GenerationRun } from "./run.ts";
import { planGeneration, type GenerationPlan } from "./plan.ts";
import { problemLines } from "./log-lines.ts";
import { withKeeper } from "./keeper.ts";
import { MEMO_FILE, askingUnits, memoParts, type Replay } from "./memo.ts";

export function planOf(
  run: GenerationRun,
  units: GenerationRun["systemUnits"] = run.systemUnits,
): GenerationPlan {
  return planGeneration(run.read.dirs, {
    user: run.user,
    normalDir: run.normalDir,
    readProblems: run.read.problems,
    systemUnits: units,
  });
}

/**
 * What the run writes and logs, compiled: with a memo (the system generator), the keeper's unit
 * and the memo of this run beside the units, for the keeper to keep.
 */
export function compileRun(run: GenerationRun): Replay {
  // What the plan and the keeper ask of the system's units, for the memo (memo.ts Asked).
  const asking = askingUnits(run.systemUnits);
  const plan = planOf(run, asking.units);
  const out: Replay = {
    files: plan.files,
    links: plan.links,
    lines: problemLines(plan.problems, plan.specs),
  };
  if (run.memo === undefined) return out;
  const kept = withKeeper(out, run.memo.self, run.normalDir, asking.units);
  const memo = {
    path: join(run.normalDir, MEMO_FILE),
    text: memoParts(run.memo.key, kept, asking.asked()),
    mode: 0o600,
  };
  return { ...kept, files: [...kept.files, memo] };
}
