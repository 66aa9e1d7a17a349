// A start that failed: systemctl start (or enable --now, try-restart) waits until each unit is up
// (Type=forking), so a non-zero exit means some did not come up. Which ones, and each one's own
// last log line (ssh's error), make the message; a refused relay port gets its fix too.
import { SystemError } from "../errors.ts";
import { lastLine, lastLineQuery } from "../edge/journal.ts";
import { systemctlScope, type Target } from "../install/paths.ts";
import { parseShow, toState } from "./status-model.ts";
import { refusedRelayPort, staleRelayPortHint } from "../model/stale-port.ts";
import type { RunResult } from "../edge/systemctl.ts";
import type { Gatherer } from "../edge/query.ts";

export interface NotUp {
  unit: string;
  state: string;
  lastLog?: string;
  hint?: string;
}

const PROPERTIES = ["Id", "ActiveState", "SubState", "Result"];

/** Two rounds: the units' states, then the last log line of each that is not up. */
export function notUp(gatherer: Gatherer, target: Target, units: string[]): NotUp[] {
  const q = {
    kind: "unit-state" as const,
    scope: systemctlScope(target),
    units,
    properties: PROPERTIES,
  };
  const shown = gatherer.gather([q]).get(q);
  const states = new Map(
    (shown.status === 0 ? parseShow(shown.stdout) : []).map((r) => [r.Id, toState(r)]),
  );
  const down = units.filter((u) => states.get(u)?.up !== true);
  const logs = gatherer.gather(down.map((u) => lastLineQuery(target.user, u)));
  return down.map((unit) => {
    const s = states.get(unit);
    const lastLog = lastLine(logs.get(lastLineQuery(target.user, unit)));
    const port = refusedRelayPort(lastLog);
    return {
      unit,
      state: s === undefined ? "unknown" : `${s.active}${s.sub ? ` (${s.sub})` : ""}`,
      ...(lastLog !== undefined && { lastLog }),
      ...(port !== undefined && { hint: staleRelayPortHint(port) }),
    };
  });
}

export function startFailure(
  gatherer: Gatherer,
  target: Target,
  c: { argv: string[]; starts: string[] },
  r: RunResult,
): SystemError {
  const down = notUp(gatherer, target, c.starts);
  const lines = down.flatMap((d) => [
    `${d.unit} did not come up (${d.state}): ${d.lastLog ?? "no log line"}`,
    ...(d.hint !== undefined ? [`${d.unit}: ${d.hint}`] : []),
  ]);
  const systemctl = r.stderr.trim() || r.stdout.trim();
  const detail = [...lines, ...(systemctl ? [systemctl] : [])].join("\n");
  const what =
    down.length > 0
      ? `${down.length} of ${c.starts.length} tunnel(s) did not come up`
      : `exit status ${r.status}`;
  return new SystemError(`${c.argv.join(" ")} failed: ${what}`, detail || undefined);
}
