// Options and positionals the commands share, declared once.
import type { Argv } from "yargs";

/** A switch, off unless given. */
export const flag = (describe: string) => ({ type: "boolean", default: false, describe }) as const;

/** An option that takes a value. */
export const text = (describe: string) => ({ type: "string", describe }) as const;

/** A list of one or more words (spec files, tunnel names). */
export const someOf = (describe: string) =>
  ({ type: "string", array: true, demandOption: true, describe }) as const;

/** --json: one envelope on stdout, success or failure (docs/cli.md "JSON"). */
export const jsonOption = flag("print a JSON report on stdout");

export const dryRunOption = flag("print the plan, change nothing");

/** A command's examples as a table: [command line, what it does]. */
export function withExamples<T>(y: Argv<T>, rows: readonly [string, string][]): Argv<T> {
  return rows.reduce((acc, [command, what]) => acc.example(command, what), y);
}
