// A unit's own journal lines: what its processes (ssh, through syslog with -y) said, not
// systemd's messages about it (journalctl(1) matches on _SYSTEMD_UNIT=). The gatherer
// (src/plan/read.ts) runs it; the answer is the lines.

export function journalArgv(user: boolean, unit: string, lines: number): string[] {
  const match = user ? [`--user`, `_SYSTEMD_USER_UNIT=${unit}`] : [`_SYSTEMD_UNIT=${unit}`];
  return ["journalctl", ...match, "-n", String(lines), "-o", "cat", "--no-pager", "-q"];
}

/** The query for a unit's last line, and that line from the gathered answer. */
export const lastLineQuery = (user: boolean, unit: string) =>
  ({ kind: "journal", user, unit, lines: 1 }) as const;

export function lastLine(lines: string[]): string | undefined {
  const line = lines.at(-1);
  return line ? line : undefined;
}
