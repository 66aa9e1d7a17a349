// tunnelc status [NAME...] [--user] [--root DIR] [--json]
import type { CommandModule } from "yargs";
import { ownedUnits, type InstalledUnit } from "../install/read-units.ts";
import { systemctlScope, unitDir, type Target } from "../install/paths.ts";
import { processRunner, runChecked, type Runner } from "../install/systemctl.ts";
import {
  SHOW_PROPERTIES,
  formatStatus,
  needsLog,
  parseShow,
  toState,
  withLog,
  type TunnelState,
} from "../install/status-model.ts";
import { lastJournalLine } from "../install/journal.ts";
import { ExitCode } from "../errors.ts";
import { json, outcome, type Outcome } from "./outcome.ts";
import { scopeOptions } from "./install.ts";

export interface StatusArgs {
  names?: string[];
  user: boolean;
  root?: string;
  json: boolean;
}

export function runStatus(args: StatusArgs, runner: Runner = processRunner): Outcome {
  const target: Target = { user: args.user, ...(args.root !== undefined && { root: args.root }) };
  const wanted = new Set((args.names ?? []).map((n) => n.replace(/\.service$/, "") + ".service"));
  const all = ownedUnits(unitDir(target));
  const installed = all.filter((u) => wanted.size === 0 || wanted.has(u.unit));
  const missing = [...wanted].filter((w) => !installed.some((u) => u.unit === w));
  const states =
    installed.length === 0
      ? []
      : target.root !== undefined
        ? offlineStates(runner, target, installed)
        : liveStates(runner, target, installed);
  const exitCode = missing.length > 0 ? ExitCode.spec : ExitCode.ok;
  // A mistyped name must not read as "nothing is installed": say what is.
  const present = all.map((u) => u.unit.replace(/\.service$/, ""));
  const others =
    present.length > 0
      ? `installed: ${present.join(", ")}`
      : `no tunnelc units in ${unitDir(target)}`;
  const notes = missing.map(
    (m) => `no tunnel named ${m.replace(/\.service$/, "")} is installed (${others})`,
  );
  if (args.json)
    return outcome({
      exitCode,
      stdout: json({ ok: missing.length === 0, tunnels: states, missing }),
    });
  const stdout = states.length === 0 && missing.length > 0 ? "" : formatStatus(states);
  return outcome({ exitCode, stdout, notes });
}

function liveStates(runner: Runner, target: Target, installed: InstalledUnit[]): TunnelState[] {
  const sc = ["systemctl", ...systemctlScope(target)];
  const shown = runChecked(runner, [
    ...sc,
    "show",
    ...installed.map((u) => u.unit),
    `--property=${SHOW_PROPERTIES.join(",")}`,
  ]);
  const byUnit = new Map(parseShow(shown.stdout).map((r) => [r.Id, toState(r)]));
  return installed.map((u) => {
    const state = {
      ...(byUnit.get(u.unit) ?? toState({ Id: u.unit })),
      ...(u.ownership.spec !== undefined && { spec: u.ownership.spec }),
    };
    return needsLog(state) ? withLog(state, lastJournalLine(runner, target, u.unit)) : state;
  });
}

/** Below --root there is no manager: only whether each unit is enabled. */
function offlineStates(runner: Runner, target: Target, installed: InstalledUnit[]): TunnelState[] {
  const r = runner.run([
    "systemctl",
    ...systemctlScope(target),
    "is-enabled",
    ...installed.map((u) => u.unit),
  ]);
  const enabled = r.stdout.trim().split("\n");
  return installed.map((u, i) => ({
    ...toState({ Id: u.unit, UnitFileState: enabled[i] ?? "unknown", ActiveState: "offline" }),
    ...(u.ownership.spec !== undefined && { spec: u.ownership.spec }),
  }));
}

export const statusCommand = (run: (o: Outcome) => void): CommandModule<object, StatusArgs> => ({
  command: "status [names..]",
  describe:
    "Show installed tunnels: up or not, enabled, state, restarts, since when, last log line",
  builder: (y) =>
    scopeOptions(
      y.positional("names", {
        type: "string",
        array: true,
        describe: "tunnel names (default: every installed tunnel)",
      }),
    )
      .example("$0 status", "every installed tunnel")
      .example("$0 status home --json", "one tunnel, machine-readable") as never,
  handler: (args) => run(runStatus(args)),
});
