// `systemctl show` output → tunnel states, and the table `tunnelc status` prints. Pure.
import { refusedRelayPort, staleRelayPortHint } from "../model/stale-port.ts";

export const SHOW_PROPERTIES = [
  "Id",
  "LoadState",
  "ActiveState",
  "SubState",
  "UnitFileState",
  "NRestarts",
  "StateChangeTimestamp",
  "ActiveEnterTimestamp",
  "MainPID",
  "Result",
] as const;

export interface TunnelState {
  unit: string;
  spec?: string;
  /** Installed into a unit directory, or made by the generator at boot/daemon-reload. */
  source?: "installed" | "generated";
  /**
   * The tunnel carries bytes: the units are Type=forking and ssh forks only once every forward
   * is up, so active (running) means up (docs/unit.md).
   */
  up: boolean;
  enabled: string;
  active: string;
  sub: string;
  restarts: number;
  since: string;
  mainPid: number;
  result: string;
  lastLog?: string;
  /** The relay port the last log line says was refused (most likely held by a dead session). */
  refusedRelayPort?: number;
  /** What to do about it. */
  hint?: string;
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
  const up = rec.ActiveState === "active" && rec.SubState === "running";
  return {
    unit: rec.Id ?? "",
    up,
    enabled: rec.UnitFileState || "unknown",
    active: rec.ActiveState || "unknown",
    sub: rec.SubState || "",
    restarts: Number(rec.NRestarts ?? 0) || 0,
    // Up: since it came up; otherwise since it entered its present state.
    since: (up ? rec.ActiveEnterTimestamp : rec.StateChangeTimestamp) ?? "",
    mainPid: Number(rec.MainPID ?? 0) || 0,
    result: rec.Result ?? "",
  };
}

/** A tunnel has something to explain when it is not up or has restarted. */
export function needsLog(s: TunnelState): boolean {
  return !s.up || s.restarts > 0 || (s.result !== "" && s.result !== "success");
}

/** The state with its last log line, and what that line means when it is a refused relay port. */
export function withLog(s: TunnelState, lastLog: string | undefined): TunnelState {
  if (lastLog === undefined) return s;
  const port = refusedRelayPort(lastLog);
  return port === undefined
    ? { ...s, lastLog }
    : { ...s, lastLog, refusedRelayPort: port, hint: staleRelayPortHint(port) };
}

export function formatStatus(states: TunnelState[]): string {
  if (states.length === 0) return "no tunnelc units installed\n";
  // The FROM column only once the generator is in use: installed-only output stays as it was.
  const from = states.some((s) => s.source === "generated");
  const rows = [
    ["UNIT", "UP", "ENABLED", "STATE", "RESTARTS", "SINCE", ...(from ? ["FROM"] : [])],
    ...states.map((s) => [
      s.unit,
      s.active === "offline" ? "-" : s.up ? "yes" : "no",
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
  const logs = states
    .filter((s) => s.lastLog)
    .flatMap((s) => [
      `${s.unit}: last log: ${s.lastLog}`,
      ...(s.hint !== undefined ? [`${s.unit}: ${s.hint}`] : []),
    ]);
  return [...lines, ...(logs.length ? ["", ...logs] : [])].join("\n") + "\n";
}
