// Options and positionals the commands share, declared once.
import type { ArgumentsCamelCase, Argv, CommandModule, Options, PositionalOptions } from "yargs";
import type { Outcome } from "./outcome.ts";

/** A switch, off unless given. */
export const flag = (describe: string) => ({ type: "boolean", default: false, describe }) as const;

/** An option that takes a value. */
export const text = (describe: string) => ({ type: "string", describe }) as const;

/** A list of one or more words (spec files, tunnel names). */
export const someOf = (describe: string) =>
  ({ type: "string", array: true, demandOption: true, describe }) as const;

/**
 * An option that may be given again, one value each time (`--spec-dir A --spec-dir B`): nargs 1
 * keeps yargs from taking the positionals after it as more values, as a plain array would.
 */
export const repeat = (describe: string) =>
  ({ type: "string", array: true, nargs: 1, describe }) as const;

/** A list of words that may be empty (optional spec files, forwards). */
export const anyOf = (describe: string) => ({ type: "string", array: true, describe }) as const;

/** --json: one envelope on stdout, success or failure (docs/cli.md "JSON"). */
export const jsonOption = flag("print a JSON report on stdout");

export const dryRunOption = flag("print the plan, change nothing");

/** A command's examples as a table: [command line, what it does]. */
export function withExamples<T>(y: Argv<T>, rows: readonly [string, string][]): Argv<T> {
  return rows.reduce((acc, [command, what]) => acc.example(command, what), y);
}

/**
 * The description with what yargs would set in a right-aligned column after it ("[string]",
 * "[default: true]"): that column is glued to a description that fills its last line
 * ("port[array]"), so cli.ts hides it and the description carries the same words, wrapped
 * with it.
 */
export function withExtras(o: Options | PositionalOptions): string {
  const extras = [
    o.type !== undefined ? `[${o.array ? "array" : o.type}]` : o.array ? "[array]" : undefined,
    o.demandOption ? "[required]" : undefined,
    o.choices
      ? `[choices: ${[o.choices]
          .flat()
          .map((c) => JSON.stringify(c))
          .join(", ")}]`
      : undefined,
    o.default !== undefined &&
    o.default !== false &&
    !(Array.isArray(o.default) && o.default.length === 0)
      ? `[default: ${JSON.stringify(o.default)}]`
      : undefined,
  ].filter((e) => e !== undefined);
  return [o.describe ?? "", ...extras].filter((t) => t !== "").join(" ");
}

/** A command as data: its positionals and options in the order its help lists them. */
export interface CommandSpec<A> {
  command: string;
  describe: string;
  positionals?: Record<string, PositionalOptions>;
  options?: Record<string, Options>;
  examples?: readonly [string, string][];
  run: (args: ArgumentsCamelCase<A>) => Outcome | Promise<Outcome>;
}

/**
 * The yargs module for a command declared as data, given what prints its outcome (cli.ts reads
 * its `command` string and the options its builder declares).
 */
export const defineCommand =
  <A>(spec: CommandSpec<A>) =>
  (print: (o: Outcome) => void): CommandModule<object, A> => {
    const { positionals = {}, options = {}, examples = [] } = spec;
    return {
      command: spec.command,
      describe: spec.describe,
      builder: (y: Argv) => {
        const withPositionals = Object.entries(positionals).reduce(
          (acc, [name, p]) => acc.positional(name, { ...p, describe: withExtras(p) }),
          y,
        );
        const withOptions = Object.entries(options).reduce(
          (acc, [name, o]) => acc.option(name, { ...o, describe: withExtras(o) }) as Argv,
          withPositionals,
        );
        return withExamples(withOptions, examples) as never;
      },
      // A synchronous command stays synchronous: its outcome is printed before parse returns.
      handler: (args) => {
        const outcome = spec.run(args);
        return outcome instanceof Promise ? outcome.then(print) : print(outcome);
      },
    };
  };
