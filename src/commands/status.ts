// tunnelc status [NAME...] [--user] [--root DIR] [--json]
// Gathered in rounds (src/edge/query.ts): list the unit directories, read the units they hold,
// ask systemd their states, then the journal of those with something to explain.
import { edgeOf, type Edge } from "../edge/edge.ts";
import { ownedUnits, serviceFileQueries, textOf } from "../install/read-units.ts";
import { dirQuery, fileQuery } from "../edge/query.ts";
import { targetOf, unitDir, type Target } from "../install/paths.ts";
import { formatStatus, type TunnelState } from "../status/status-model.ts";
import { logQueries, stateQuery, statesOf, withLogs, type Listed } from "../status/status-facts.ts";
import { ExitCode } from "../errors.ts";
import { envelope, problem } from "../envelope.ts";
import { outcome, type Outcome } from "./outcome.ts";
import { scopeOptions } from "./install.ts";
import { anyOf, defineCommand } from "./options.ts";
import { normalDir } from "../generator/locations.ts";
import { formatLastRun, lastRunPath, parseLastRun, type LastRun } from "../generator/last-run.ts";

import type { Facts } from "../edge/query.ts";

export interface StatusArgs {
  names?: string[];
  user: boolean;
  root?: string;
  json: boolean;
}

/** Reads only: a Runner (systemctl, behind the edge's gatherer) or a whole gatherer. */
export function runStatus(args: StatusArgs, { gatherer }: Edge = edgeOf()): Outcome {
  const target = targetOf(args);
  const dirs = [unitDir(target), normalDir(target)];
  const lastRun = lastRunPath(normalDir(target));
  const { root } = target;
  let facts = gatherer.gather([...dirs.map((d) => dirQuery(d, root)), fileQuery(lastRun, root)]);
  facts = facts.with(gatherer.gather(serviceFileQueries(facts, dirs, root)));
  const all = listUnits(target, facts);
  const wanted = wantedUnits(args);
  const installed = all.filter((u) => wanted.size === 0 || wanted.has(u.unit));
  let states: TunnelState[] = [];
  if (installed.length > 0) {
    const units = installed.map((u) => u.unit);
    states = statesOf(target, installed, gatherer.gather([stateQuery(target, units)]));
    states = withLogs(target, states, gatherer.gather(logQueries(target, states)));
  }
  return statusReport(args, target, all, states, lastRunOf(facts, lastRun, root));
}

/**
 * The generator's last run, as its status file says. The file is root's only (0600: it quotes
 * problems in specs that may be root's only, src/generator/plan.ts): another user's status shows
 * the tunnels without it.
 */
function lastRunOf(facts: Facts, path: string, root?: string): LastRun | undefined {
  if (facts.get(fileQuery(path, root)).code === "EACCES") return undefined;
  return parseLastRun(textOf(facts, path, root));
}

const wantedUnits = (args: StatusArgs) =>
  new Set((args.names ?? []).map((n) => n.replace(/\.service$/, "") + ".service"));

/** Installed units, then the generator's (a unit in /etc overrides a generated one of its name). */
function listUnits(target: Target, facts: Facts): Listed[] {
  const installed = ownedUnits(facts, unitDir(target), target.root).map((u) => ({
    ...u,
    source: "installed" as const,
  }));
  const names = new Set(installed.map((u) => u.unit));
  const generated = ownedUnits(facts, normalDir(target), target.root)
    .filter((u) => !names.has(u.unit))
    .map((u) => ({ ...u, source: "generated" as const }));
  return [...installed, ...generated];
}

/** The report, from what was gathered. Pure. */
function statusReport(
  args: StatusArgs,
  target: Target,
  all: Listed[],
  states: TunnelState[],
  lastRun: LastRun | undefined,
): Outcome {
  const missing = [...wantedUnits(args)].filter((w) => !all.some((u) => u.unit === w));
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
