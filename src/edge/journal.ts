// A unit's own journal lines: what its processes (ssh, through syslog with -y or replayed from its
// log file by ExecStopPost=) said, not systemd's messages about it (journalctl(1) matches on
// _SYSTEMD_UNIT=). The gatherer (src/edge/read.ts) runs it; the answer is the lines.
import { isReplayLine } from "../model/replay-lines.ts";

export function journalArgv(user: boolean, unit: string, lines: number): string[] {
  const match = user ? [`--user`, `_SYSTEMD_USER_UNIT=${unit}`] : [`_SYSTEMD_UNIT=${unit}`];
  return ["journalctl", ...match, "-n", String(lines), "-o", "cat", "--no-pager", "-q"];
}

/** The query for a unit's last two lines: ssh's last, and the one the log replay may add after it. */
export const lastLineQuery = (user: boolean, unit: string) =>
  ({ kind: "journal", user, unit, lines: 2 }) as const;

/** ssh's last line: the lines the unit's log replay adds itself (the fix after a refused relay
 *  port, sed's complaint when ssh never ran) are not ssh's, the line before is. */
export function lastLine(lines: string[]): string | undefined {
  const own = lines.filter((l) => l.trim() !== "" && !isReplayLine(l));
  return own.pop()?.trim();
}
