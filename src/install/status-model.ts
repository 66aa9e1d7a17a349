// `systemctl show` output → tunnel states, and the table `tunnelc status` prints. Pure.

export const SHOW_PROPERTIES = [
  "Id",
  "LoadState",
  "ActiveState",
  "SubState",
  "UnitFileState",
  "NRestarts",
  "StateChangeTimestamp",
  "MainPID",
  "Result",
] as const;

export interface TunnelState {
  unit: string;
  spec?: string;
  /** Installed into a unit directory, or made by the generator at boot/daemon-reload. */
  source?: "installed" | "generated";
  enabled: string;
  active: string;
  sub: string;
  restarts: number;
  since: string;
  mainPid: number;
  result: string;
  lastLog?: string;
}

/** `systemctl show A B -p …`: blocks of KEY=VALUE lines separated by blank lines. */
export function parseShow(text: string): Record<string, string>[] {
  return text
    .split(/\n\s*\n/)
    .map((block) => {
      const rec: Record<string, string> = {};
      for (const line of block.split("\n")) {
        const eq = line.indexOf("=");
        if (eq > 0) rec[line.slice(0, eq)] = line.slice(eq + 1);
      }
      return rec;
    })
    .filter((r) => r.Id !== undefined);
}

export function toState(rec: Record<string, string>): TunnelState {
  return {
    unit: rec.Id ?? "",
    enabled: rec.UnitFileState || "unknown",
    active: rec.ActiveState || "unknown",
    sub: rec.SubState || "",
    restarts: Number(rec.NRestarts ?? 0) || 0,
    since: rec.StateChangeTimestamp ?? "",
    mainPid: Number(rec.MainPID ?? 0) || 0,
    result: rec.Result ?? "",
  };
}

/** A tunnel has something to explain when it is not running or has restarted. */
export function needsLog(s: TunnelState): boolean {
  return s.active !== "active" || s.restarts > 0 || (s.result !== "" && s.result !== "success");
}

export function formatStatus(states: TunnelState[]): string {
  if (states.length === 0) return "no tunnelc units installed\n";
  // The FROM column only once the generator is in use: installed-only output stays as it was.
  const from = states.some((s) => s.source === "generated");
  const rows = [
    ["UNIT", "ENABLED", "STATE", "RESTARTS", "SINCE", ...(from ? ["FROM"] : [])],
    ...states.map((s) => [
      s.unit,
      s.enabled,
      s.sub ? `${s.active} (${s.sub})` : s.active,
      String(s.restarts),
      s.since || "-",
      ...(from ? [s.source ?? "installed"] : []),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  "),
  );
  const logs = states.filter((s) => s.lastLog).map((s) => `${s.unit}: last log: ${s.lastLog}`);
  return [...lines, ...(logs.length ? ["", ...logs] : [])].join("\n") + "\n";
}
