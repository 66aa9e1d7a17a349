// What a command hands back to the CLI entry, which alone prints and exits.
import { ExitCode, type Diagnostic, type ExitCodeValue } from "../errors.ts";

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
 * the problems as JSON with --json, else as notes (or diagnostics) on stderr.
 */
export function refused(asJson: boolean, problems: unknown[], text: Partial<Outcome>): Outcome {
  if (asJson) return outcome({ exitCode: ExitCode.spec, stdout: json({ ok: false, problems }) });
  return outcome({ exitCode: ExitCode.spec, ...text });
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
