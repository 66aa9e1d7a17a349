// Command-line checks yargs leaves out, and its usage messages in tunnelc's words. Pure: src/cli.ts
// runs these before any command handler, so a mistyped argument never changes the machine.
import { closest } from "./specfile/suggest.ts";
import { loginNameProblem } from "./ends/grammar.ts";

/**
 * Options whose value is written into a file OpenSSH reads, by the grammar it must fit
 * (src/ends/grammar.ts): --relay-user becomes ProxyJump's user, which OpenSSH 9.2 passes
 * through a shell.
 */
const VALUE_GRAMMAR: Readonly<Record<string, (v: string) => string | undefined>> = {
  "relay-user": loginNameProblem,
};

/**
 * Options whose value must be a directory (or one that can be made in a directory that exists):
 * a mistyped --root would otherwise be made, whole, by the first write below it, and the tree
 * meant for the image left as it was.
 */
const EXISTING_DIRECTORY: readonly string[] = ["root"];

/** What a command declares: its options by type, their aliases, and its positionals. */
export interface OptionTable {
  string: readonly string[];
  boolean: readonly string[];
  array: readonly string[];
  alias: Readonly<Record<string, readonly string[]>>;
  positionals: readonly string[];
}

/** `-o` for one letter, `--dry-run` otherwise, as the option is typed. */
export const flag = (name: string): string => (name.length === 1 ? `-${name}` : `--${name}`);

/** Every name an option may be typed as (its own and its aliases), positionals left out. */
export function optionNames(t: OptionTable): string[] {
  const names = new Set([...t.string, ...t.boolean, ...t.array]);
  for (const [k, as] of Object.entries(t.alias)) [k, ...as].forEach((n) => names.add(n));
  for (const p of t.positionals) names.delete(p);
  return [...names].sort();
}

/** The option's long name and aliases, e.g. "-o/--output". */
function display(name: string, t: OptionTable): string {
  const group = Object.entries(t.alias).find(([k, as]) => k === name || as.includes(name));
  const all = group ? [group[0], ...group[1]] : [name];
  return all
    .sort((a, b) => a.length - b.length)
    .map(flag)
    .join("/");
}

/**
 * Values yargs accepts but a command must not: a string option with no value (`-o` last, or
 * `--root=`), given twice, or negated (`--no-root`); a switch given a value (`--dry-run=yes`,
 * which yargs would silently read as false). `raw` is the command line as typed.
 */
export function valueProblems(
  argv: Record<string, unknown>,
  t: OptionTable,
  raw: readonly string[],
  notDirectory: (path: string) => string | undefined = () => undefined,
): string[] {
  const canonical = (name: string): string =>
    Object.entries(t.alias).find(([, as]) => as.includes(name))?.[0] ?? name;
  const strings = [...new Set(t.string.map(canonical))].filter((n) => !t.positionals.includes(n));
  const problems: string[] = [];
  for (const name of strings) {
    const v = argv[name];
    if (v === undefined) continue;
    if (Array.isArray(v) && !t.array.includes(name))
      problems.push(`${display(name, t)} is given more than once`);
    else if (typeof v === "boolean") problems.push(`${display(name, t)} takes a value`);
    else if ((Array.isArray(v) ? v : [v]).some((x) => x === "" || typeof x !== "string"))
      problems.push(`${display(name, t)} needs a value`);
    else {
      const bad = typeof v === "string" ? VALUE_GRAMMAR[name]?.(v) : undefined;
      if (bad !== undefined) problems.push(`${display(name, t)}: ${bad}`);
      const dir =
        typeof v === "string" && EXISTING_DIRECTORY.includes(name) ? notDirectory(v) : undefined;
      if (dir !== undefined) problems.push(`${display(name, t)} ${v}: ${dir}`);
    }
  }
  const end = raw.indexOf("--");
  const args = end === -1 ? raw : raw.slice(0, end);
  args.forEach((arg, i) => {
    // "-o" last or before another option: yargs would quietly take the default ("-": stdout).
    const name = /^--?([^=]+)$/.exec(arg)?.[1];
    const next = args[i + 1];
    if (name !== undefined && strings.includes(canonical(name)))
      if (next === undefined || (next.startsWith("-") && next !== "-"))
        problems.push(`${display(canonical(name), t)} needs a value`);
    const given = /^--?([^=]+)=(.*)$/.exec(arg);
    if (given && t.boolean.map(canonical).includes(canonical(given[1]!)))
      if (given[2] !== "true" && given[2] !== "false")
        problems.push(
          `${display(canonical(given[1]!), t)} is a switch: it takes no value (${arg})`,
        );
  });
  return [...new Set(problems)];
}

/**
 * Options on the command line that the command does not declare, as typed (without dashes).
 * yargs reports them only after its other checks, and by then `--jsn spec.json` has taken
 * spec.json as the unknown option's value ("missing arguments"): checked first, from `raw`.
 */
export function unknownOptions(raw: readonly string[], t: OptionTable): string[] {
  const known = new Set([...optionNames(t), "help", "h", "version"]);
  // yargs reads --no-X as X negated; valueProblems says what is wrong with a negated value.
  for (const n of [...known]) known.add(`no-${n}`);
  const isKnown = (n: string): boolean => known.has(n) || known.has(kebab(n));
  const end = raw.indexOf("--");
  const out: string[] = [];
  for (const arg of end === -1 ? raw : raw.slice(0, end)) {
    if (arg === "-" || !arg.startsWith("-") || /^-\d/.test(arg)) continue;
    const name = arg.replace(/^--?/, "").split("=")[0]!;
    // -abc is -a -b -c to yargs.
    const names = /^-[^-]/.test(arg) && name.length > 1 ? [...name] : [name];
    if (name === "" || !names.every(isKnown)) out.push(name);
  }
  return [...new Set(out)];
}

/** The message for each unknown option (unknownOptions), with its "did you mean". */
export function unknownOptionMessages(names: readonly string[], table: OptionTable): string[] {
  return names.map((n) => unknownOne(n, { table, positionals: [] }));
}

/**
 * yargs's message, with a "did you mean" for each unknown option (by edit distance against the
 * command's own option names) and each unknown command.
 */
export function usageMessage(
  msg: string,
  context: {
    table?: OptionTable;
    positionals: readonly string[];
    commands?: readonly string[];
    usage?: string;
  },
): string {
  const unknown = /^Unknown arguments?: (.*)$/.exec(msg);
  if (unknown) {
    const names = unknown[1]!.split(", ");
    // yargs names a mistyped --dry-rn twice, also as dryRn.
    const typed = names.filter((n) => !/[A-Z]/.test(n) || !names.includes(kebab(n)));
    // With no command known, only the first word is one: the words after it are its arguments.
    const words = context.commands ? context.positionals.slice(1) : [];
    return typed
      .filter((n) => !words.includes(n))
      .map((n) => unknownOne(n, context))
      .join("\n");
  }
  const missing = /^Not enough arguments following: (.*)$/.exec(msg);
  if (missing) return `${flag(missing[1]!)} needs a value`;
  const choice = /^Invalid values:\s+Argument: (\S+), Given: (.*), Choices: (.*)$/.exec(msg);
  if (choice) return `${choice[1]} must be one of ${choice[3]} (got ${choice[2]})`;
  if (/^Not enough non-option arguments/.test(msg) && context.usage)
    return `missing arguments; usage: ${context.usage}`;
  return msg;
}

function unknownOne(
  name: string,
  context: { table?: OptionTable; positionals: readonly string[]; commands?: readonly string[] },
): string {
  if (context.positionals.includes(name)) {
    if (context.commands) return unknownCommand(name, context.commands);
    return `unexpected argument "${name}"`;
  }
  // A one- or two-letter typo is as close to every short option: no guess.
  const near =
    context.table && name.length > 2 ? closest(name, optionNames(context.table)) : undefined;
  return `unknown option ${flag(name)}${near ? `; did you mean ${flag(near)}?` : ""}`;
}

export function unknownCommand(name: string, commands: readonly string[]): string {
  const near = closest(name, commands);
  return `unknown command "${name}"${near ? `; did you mean ${near}?` : ""}`;
}

const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * Whether the command line asks for --json (before any "--"), so that even a failure is JSON; as
 * yargs reads it, `--json false` does not (the word after a switch may be its value).
 */
export function wantsJson(raw: readonly string[]): boolean {
  const end = raw.indexOf("--");
  const args = end === -1 ? raw : raw.slice(0, end);
  return args.some((a, i) => (a === "--json" && args[i + 1] !== "false") || a === "--json=true");
}
