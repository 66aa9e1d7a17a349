// A unit's own last journal line: what its processes (ssh, through syslog with -y or replayed from
// its log file by ExecStopPost=) said last, not systemd's messages about it (journalctl(1)
// matches on _SYSTEMD_UNIT=). The lines the unit's log replay adds itself (the fix after a refused
// relay port, sed's complaint when ssh never ran) are not ssh's: the line before is.
import type { Target } from "./paths.ts";
import type { Runner } from "./systemctl.ts";
import { isReplayLine } from "../render/log-replay.ts";

export function lastJournalLine(runner: Runner, target: Target, unit: string): string | undefined {
  const match = target.user ? [`--user`, `_SYSTEMD_USER_UNIT=${unit}`] : [`_SYSTEMD_UNIT=${unit}`];
  const r = runner.run(["journalctl", ...match, "-n", "2", "-o", "cat", "--no-pager", "-q"]);
  if (r.status !== 0) return undefined;
  const lines = r.stdout.split("\n").filter((l) => l.trim() !== "" && !isReplayLine(l));
  return lines.pop()?.trim();
}
