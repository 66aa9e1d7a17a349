// A unit's own last journal line: what its processes (ssh, through syslog with -y or replayed from
// its log file by ExecStopPost=) said last, not systemd's messages about it (journalctl(1)
// matches on _SYSTEMD_UNIT=). The fix the unit itself adds after a refused relay port is not
// ssh's line: the line before it is (src/render/log-replay.ts).
import type { Target } from "./paths.ts";
import type { Runner } from "./systemctl.ts";
import { isJournalHint } from "./stale-port.ts";

export function lastJournalLine(runner: Runner, target: Target, unit: string): string | undefined {
  const match = target.user ? [`--user`, `_SYSTEMD_USER_UNIT=${unit}`] : [`_SYSTEMD_UNIT=${unit}`];
  const r = runner.run(["journalctl", ...match, "-n", "2", "-o", "cat", "--no-pager", "-q"]);
  if (r.status !== 0) return undefined;
  const lines = r.stdout.split("\n").filter((l) => l.trim() !== "" && !isJournalHint(l));
  return lines.pop()?.trim();
}
