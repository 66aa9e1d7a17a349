// What a command hands back to the CLI entry, which alone prints and exits.
import { ExitCode, type Diagnostic, type ExitCodeValue } from "../errors.ts";
import { envelope, problem, type JsonDiagnostic } from "../envelope.ts";
import type { Refusal } from "../edge/plan.ts";
import type { Code } from "../codes.ts";

export interface Outcome {
  exitCode: ExitCodeValue;
  /** Written to stdout as is (unit text, JSON). */
  stdout: string;
  /** Problems in specs, printed to stderr with their code frames. */
  diagnostics: Diagnostic[];
  /** Plain lines for stderr (what was written, summaries). */
  notes: string[];
}

export function outcome(partial: Partial<Outcome>): Outcome {
  return { exitCode: ExitCode.ok, stdout: "", diagnostics: [], notes: [], ...partial };
}

/**
 * A change refused before anything was touched (a bad spec, a foreign or missing unit): exit 1,
 * the problems as the JSON envelope with --json, else as notes (or diagnostics) on stderr.
 */
export function refused(
  asJson: boolean,
  problems: readonly (Diagnostic | JsonDiagnostic)[],
  text: Partial<Outcome>,
): Outcome {
  if (asJson) return outcome({ exitCode: ExitCode.spec, stdout: envelope(false, problems) });
  return outcome({ exitCode: ExitCode.spec, ...text });
}

/**
 * A warning outside any spec (a key others can read, lingering off, a tolerated systemctl
 * failure): in --json, a diagnostic of severity "warning" like a spec's; in text, one
 * "warning:" line. The one channel for every command's warnings.
 */
export const warning = (code: Code, message: string, file: string | null = null): JsonDiagnostic =>
  problem(code, message, file, "warning");

export const warningLines = (ws: readonly JsonDiagnostic[]): string[] =>
  ws.map((w) => `warning: ${w.message}`);

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** A plan's refusals (a foreign or missing unit file), each naming its file. */
export function refusedPlan(asJson: boolean, refusals: readonly Refusal[]): Outcome {
  const problems = refusals.map((r) => problem(r.code, r.message, r.path));
  return refused(asJson, problems, { notes: refusals.map((r) => r.message) });
}
