// What `tunnelc status` (and a failed start) asks systemd and the journal, as queries, and the
// tunnel states their answers make. Pure: the gatherer (src/edge/read.ts) asks.
import { systemctlScope, type Target } from "../install/paths.ts";
import { lastLine, lastLineQuery } from "../edge/journal.ts";
import { SHOW_PROPERTIES, needsLog, parseShow, toState, withLog } from "./status-model.ts";
import type { TunnelState } from "./status-model.ts";
import type { InstalledUnit } from "../install/read-units.ts";
import { commandFailed } from "../errors.ts";
import type { Answers, Facts, Query } from "../edge/query.ts";

export type Listed = InstalledUnit & { source: "installed" | "generated" };

/** Live: what systemctl show says of each unit; below --root only whether each is enabled. */
export function stateQuery(
  target: Target,
  units: string[],
): Extract<Query, { kind: "unit-enabled" | "unit-state" }> {
  const scope = systemctlScope(target);
  return target.root !== undefined
    ? { kind: "unit-enabled", scope, units }
    : { kind: "unit-state", scope, units, properties: SHOW_PROPERTIES };
}

/** `systemctl show`'s records, by unit; a failed show is a SystemError, as runChecked's. */
function shownStates(shown: Answers["unit-state"]): Map<string | undefined, TunnelState> {
  if (shown.status !== 0) throw commandFailed(shown.argv, shown);
  return new Map(parseShow(shown.stdout).map((r) => [r.Id, toState(r)]));
}

export function statesOf(target: Target, listed: Listed[], facts: Facts): TunnelState[] {
  const q = stateQuery(
    target,
    listed.map((u) => u.unit),
  );
  const own = (u: Listed) => ({
    ...(u.ownership.spec !== undefined && { spec: u.ownership.spec }),
    source: u.source,
  });
  if (q.kind === "unit-enabled") {
    // Below --root there is no manager: only whether each unit is enabled.
    const enabled = facts.get(q).stdout.trim().split("\n");
    return listed.map((u, i) => ({
      ...toState({ Id: u.unit, UnitFileState: enabled[i] ?? "unknown", ActiveState: "offline" }),
      ...own(u),
    }));
  }
  const byUnit = shownStates(facts.get(q));
  return listed.map((u) => ({ ...(byUnit.get(u.unit) ?? toState({ Id: u.unit })), ...own(u) }));
}

/** Live, the last log line of each tunnel with something to explain (a tree has no journal). */
const explained = (target: Target, s: TunnelState) => target.root === undefined && needsLog(s);

/** Third round: those log lines. */
export function logQueries(target: Target, states: TunnelState[]): Query[] {
  return states.filter((s) => explained(target, s)).map((s) => lastLineQuery(target.user, s.unit));
}

export function withLogs(target: Target, states: TunnelState[], facts: Facts): TunnelState[] {
  return states.map((s) =>
    explained(target, s) ? withLog(s, lastLine(facts.get(lastLineQuery(target.user, s.unit)))) : s,
  );
}
