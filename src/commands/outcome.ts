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

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
