// tunnelc status [NAME...] [--user] [--root DIR] [--json]
import { ownedUnits, type InstalledUnit } from "../install/read-units.ts";
import { systemctlScope, targetOf, unitDir, type Target } from "../install/paths.ts";
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
import { envelope, problem } from "../envelope.ts";
import { outcome, type Outcome } from "./outcome.ts";
import { scopeOptions } from "./install.ts";
import { anyOf, defineCommand } from "./options.ts";
import { normalDir } from "../generator/locations.ts";
import { formatLastRun, readLastRun } from "../generator/last-run.ts";

type Listed = InstalledUnit & { source: "installed" | "generated" };

/** Installed units, then the generator's (a unit in /etc overrides a generated one of its name). */
function listUnits(target: Target): Listed[] {
  const installed = ownedUnits(unitDir(target)).map((u) => ({
    ...u,
    source: "installed" as const,
  }));
  const names = new Set(installed.map((u) => u.unit));
  const generated = ownedUnits(normalDir(target))
    .filter((u) => !names.has(u.unit))
    .map((u) => ({ ...u, source: "generated" as const }));
  return [...installed, ...generated];
}

export interface StatusArgs {
  names?: string[];
  user: boolean;
  root?: string;
  json: boolean;
}

export function runStatus(args: StatusArgs, runner: Runner = processRunner): Outcome {
  const target = targetOf(args);
  const wanted = new Set((args.names ?? []).map((n) => n.replace(/\.service$/, "") + ".service"));
  const all = listUnits(target);
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
  const lastRun = readLastRun(normalDir(target));
  if (args.json)
    return outcome({
      exitCode,
      stdout: envelope(
        missing.length === 0,
        notes.map((n) => problem("status/not-installed", n)),
        { tunnels: states, missing, generator: lastRun ?? null },
      ),
    });
  const stdout =
    states.length === 0 && missing.length > 0 ? "" : formatStatus(states) + formatLastRun(lastRun);
  return outcome({ exitCode, stdout, notes });
}

function liveStates(runner: Runner, target: Target, installed: Listed[]): TunnelState[] {
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
      source: u.source,
    };
    return needsLog(state) ? withLog(state, lastJournalLine(runner, target, u.unit)) : state;
  });
}

/** Below --root there is no manager: only whether each unit is enabled. */
function offlineStates(runner: Runner, target: Target, installed: Listed[]): TunnelState[] {
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
    source: u.source,
  }));
}

export const statusCommand = defineCommand<StatusArgs>({
  command: "status [names..]",
  describe:
    "Show installed tunnels: up or not, enabled, state, restarts, since when, last log line",
  positionals: { names: anyOf("tunnel names (default: every installed tunnel)") },
  options: scopeOptions,
  examples: [
    ["$0 status", "every installed tunnel"],
    ["$0 status home --json", "one tunnel, machine-readable"],
  ],
  run: runStatus,
});
