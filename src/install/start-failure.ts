// A start that failed: systemctl start (or enable --now, try-restart) waits until each unit is up
// (Type=forking), so a non-zero exit means some did not come up. Which ones, and each one's own
// last log line (ssh's error), make the message; a refused relay port gets its fix too.
import { SystemError } from "../errors.ts";
import { lastJournalLine } from "./journal.ts";
import { systemctlScope, type Target } from "./paths.ts";
import { parseShow, toState } from "./status-model.ts";
import { refusedRelayPort, staleRelayPortHint } from "./stale-port.ts";
import type { Command } from "./plan.ts";
import type { RunResult, Runner } from "./systemctl.ts";

export interface NotUp {
  unit: string;
  state: string;
  lastLog?: string;
  hint?: string;
}

export function notUp(runner: Runner, target: Target, units: string[]): NotUp[] {
  const shown = runner.run([
    "systemctl",
    ...systemctlScope(target),
    "show",
    ...units,
    "--property=Id,ActiveState,SubState,Result",
  ]);
  const states = new Map(
    (shown.status === 0 ? parseShow(shown.stdout) : []).map((r) => [r.Id, toState(r)]),
  );
  return units.flatMap((unit) => {
    const s = states.get(unit);
    if (s?.up === true) return [];
    const lastLog = lastJournalLine(runner, target, unit);
    const port = refusedRelayPort(lastLog);
    return [
      {
        unit,
        state: s === undefined ? "unknown" : `${s.active}${s.sub ? ` (${s.sub})` : ""}`,
        ...(lastLog !== undefined && { lastLog }),
        ...(port !== undefined && { hint: staleRelayPortHint(port) }),
      },
    ];
  });
}

export function startFailure(
  runner: Runner,
  target: Target,
  c: Command & { starts: string[] },
  r: RunResult,
): SystemError {
  const down = notUp(runner, target, c.starts);
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
