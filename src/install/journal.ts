// A unit's own last journal line: what its processes (ssh, through syslog with -y) said last,
// not systemd's messages about it (journalctl(1) matches on _SYSTEMD_UNIT=).
import type { Target } from "./paths.ts";
import type { Runner } from "./systemctl.ts";

export function lastJournalLine(runner: Runner, target: Target, unit: string): string | undefined {
  const match = target.user ? [`--user`, `_SYSTEMD_USER_UNIT=${unit}`] : [`_SYSTEMD_UNIT=${unit}`];
  const r = runner.run(["journalctl", ...match, "-n", "1", "-o", "cat", "--no-pager", "-q"]);
  const line = r.status === 0 ? r.stdout.trim().split("\n").pop() : undefined;
  return line ? line : undefined;
}
