// What the generator reported about its last run (STATUS_FILE in its normal-dir), for
// `tunnelc status`: read by the gatherer (src/edge/read.ts), parsed and formatted purely.
import { join } from "node:path";
import { STATUS_FILE } from "./locations.ts";

export interface LastRun {
  ok: boolean;
  specs: { file: string; ok: boolean; units: string[] }[];
  diagnostics: {
    severity: string;
    file: string;
    line: number;
    column: number;
    pointer: string;
    message: string;
  }[];
}

export const lastRunPath = (dir: string): string => join(dir, STATUS_FILE);

export function parseLastRun(text: string | undefined): LastRun | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as LastRun;
    return Array.isArray(v.specs) && Array.isArray(v.diagnostics) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Lines under the status table: each broken spec and every problem, located. */
export function formatLastRun(run: LastRun | undefined): string {
  if (run === undefined || run.diagnostics.length === 0) return "";
  const broken = run.specs.filter((s) => !s.ok);
  const head = broken.length
    ? `generator: ${broken.length} spec(s) with errors, none of their tunnels runs: ${broken.map((s) => s.file).join(", ")}`
    : "generator: warnings";
  const lines = run.diagnostics.map(
    (d) =>
      `  ${d.file}:${d.line}:${d.column}: ${d.pointer || "/"}: ${d.severity === "warning" ? "warning: " : ""}${d.message}`,
  );
  return ["", head, ...lines].join("\n") + "\n";
}
