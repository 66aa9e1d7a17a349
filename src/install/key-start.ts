// A tunnel that install would start (--now) or restart (its unit changed while it runs) although
// its key does not exist: the start would be skipped (ConditionPathExists=, render/build-unit.ts),
// and a running tunnel would stop, cutting the access it keeps. Refused before anything is
// written; without a start (install alone, or a tunnel that is not running) it is a warning only
// (identity-check.ts). Pure.
import { join } from "node:path";
import type { Refusal } from "../edge/plan.ts";
import { unitFileName, type Tunnel } from "../model/tunnel.ts";
import { rewrittenUnits, type InstallPlan } from "./plan.ts";
import { createKeyHint } from "./identity-check.ts";

/** The units the plan starts outright (--now). */
function startedUnits(plan: InstallPlan): Set<string> {
  return new Set(plan.commands.flatMap((c) => c.starts ?? []));
}

/**
 * Refusals for each `keyless` tunnel the plan would start, or restart while it is `running`
 * (unit file names).
 */
export function keylessStartRefusals(
  plan: InstallPlan,
  keyless: Tunnel[],
  running: ReadonlySet<string>,
  dir: string,
): Refusal[] {
  const starts = startedUnits(plan);
  const restarts = new Set(rewrittenUnits(plan.files).filter((u) => running.has(u)));
  return keyless.flatMap((t) => {
    const unit = unitFileName(t);
    const stops = restarts.has(unit);
    if (!stops && !starts.has(unit)) return [];
    const key = t.identity ?? "";
    const what = stops
      ? `${unit} runs, and restarting it without its key would stop it for good`
      : `${unit} would not start`;
    return [
      {
        code: "install/no-key" as const,
        unit,
        path: join(dir, unit),
        message: `${what}: its key ${key} does not exist (ConditionPathExists= skips the start); ${createKeyHint(t, key)}, then install again`,
      },
    ];
  });
}
