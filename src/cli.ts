// The CLI entry: yargs wiring; what it prints and how it exits is src/print.ts's (docs/cli.md).
import type * as Readline from "node:readline/promises";
import { dirname, resolve } from "node:path";
import { isatty } from "node:tty";
import yargs, { type Argv, type Arguments, type CommandModule } from "yargs";
import { hideBin } from "yargs/helpers";
import { UsageError } from "./errors.ts";
import { compileCommand } from "./commands/compile.ts";
import { validateCommand } from "./commands/validate.ts";
import { schemaCommand } from "./commands/schema.ts";
import { installCommand } from "./commands/install.ts";
import { uninstallCommand } from "./commands/uninstall.ts";
import { statusCommand } from "./commands/status.ts";
import { diffCommand } from "./commands/diff.ts";
import { trustCommand } from "./commands/trust.ts";
import { initCommand } from "./commands/init.ts";
import { keygenCommand } from "./commands/keygen.ts";
import { doctorCommand } from "./commands/doctor.ts";
import { relayCommand, sshConfigCommand } from "./commands/relay.ts";
import { completionCommand } from "./commands/completion.ts";
import { generateCommand } from "./commands/generate.ts";
import { generatorCommand } from "./commands/generator.ts";
import { importCommand } from "./commands/import.ts";
import { examplesText, paragraphs } from "./help.ts";
import {
  unknownCommand,
  unknownOptionMessages,
  unknownOptions,
  usageMessage,
  valueProblems,
  wantsJson,
  type OptionTable,
} from "./cli-args.ts";
import { fail, print, say } from "./print.ts";
import pkg from "../package.json" with { type: "json" };
import { smallYoungGeneration } from "./young-generation.ts";
import { STDIN } from "./specfile/read.ts";
import { lazyBuiltin } from "./builtin.ts";
import { optionTableOf, skipHelpCache } from "./yargs-internals.ts";
import { gathererFor } from "./edge/read.ts";

/**
 * A question on the terminal, for `init` on a TTY; commands never read stdin themselves. One
 * reader for the session, whose line iterator keeps answers typed (or pasted) ahead.
 */
let answers: AsyncIterator<string> | undefined;
const readline = lazyBuiltin<typeof Readline>("node:readline/promises");
async function ask(question: string): Promise<string> {
  if (!answers) {
    const lines = readline().createInterface({ input: process.stdin, terminal: false });
    answers = lines[Symbol.asyncIterator]();
  }
  say(question);
  const next = await answers.next();
  if (next.done) throw new UsageError("input ended before every question was answered");
  return String(next.value).trim();
}

const COMMANDS: CommandModule<object, never>[] = [
  // isatty(0), not process.stdin.isTTY: that getter opens a stream on stdin (loading its stream
  // modules) at every start, and only init reads it.
  initCommand(print, isatty(0) ? ask : undefined),
  keygenCommand(print),
  compileCommand(print),
  validateCommand(print),
  installCommand(print),
  uninstallCommand(print),
  statusCommand(print),
  diffCommand(print),
  trustCommand(print),
  importCommand(print),
  relayCommand(print),
  sshConfigCommand(print),
  doctorCommand(print),
  schemaCommand(print),
  generatorCommand(print),
  generateCommand(print),
  completionCommand(print, process.env.SHELL),
] as CommandModule<object, never>[];

const nameOf = (c: CommandModule<object, never>): string => String(c.command).split(" ")[0]!;
const positionalsOf = (c: CommandModule<object, never>): string[] =>
  [...String(c.command).matchAll(/[<[]([\w-]+)(?:\.\.)?[>\]]/g)].map((m) => m[1]!);

/** What the arguments being checked belong to, for messages ("did you mean", "Run … --help"). */
interface Context {
  command?: string;
  table?: OptionTable;
  positionals: string[];
}
let context: Context = { positionals: [] };

function usage(lines: string[]): UsageError {
  const help = context.command ? `tunnelc ${context.command} --help` : "tunnelc --help";
  return new UsageError(lines, `Run "${help}" for usage.`);
}

/**
 * Why PATH cannot be a --root (cli-args.ts): it must be a directory, or a new one in a directory
 * that exists ("$pkgdir" before the first file is installed into it). A mistyped path, whose
 * parent is not there either, is refused rather than created whole.
 */
function notDirectory(path: string): string | undefined {
  const listing = (p: string) => {
    const q = { kind: "dir", path: p } as const;
    return gathererFor().gather([q]).get(q);
  };
  const f = listing(path);
  if (f.names !== undefined) return undefined;
  if (f.code === "ENOTDIR") return "not a directory";
  if (f.code !== "ENOENT") return f.error ?? "cannot be listed";
  const parent = dirname(resolve(path));
  if (listing(parent).names !== undefined) return undefined;
  return `neither it nor ${parent} exists (a --root is made only in a directory that exists: check the path)`;
}

/**
 * Runs before yargs validates (and so before any handler): records what is being parsed and
 * refuses values yargs would let through (cli-args.ts).
 */
function checkValues(raw: string[]): (argv: Arguments) => void {
  // yargs hands middleware the instance parsing the command too (undeclared in its types).
  return ((argv: Arguments, y: Argv): void => {
    // A young generation that stays at its first size (1 MiB on 64 bits) instead of doubling as
    // it fills: compile of 1,000 tunnels peaks at 65 MiB instead of 78. Set once start-up is
    // done, which keeps the default and so one scavenge fewer (src/young-generation.ts).
    smallYoungGeneration();
    skipHelpCache(y);
    const c = COMMANDS.find((c) => nameOf(c) === context.command);
    const table = optionTableOf(y, c ? positionalsOf(c) : []);
    context = { ...context, table, positionals: argv._.map(String) };
    // With no command (a mistyped one), the fail handler says that first.
    const unknown = c ? unknownOptions(raw, table) : [];
    if (unknown.length > 0) throw usage(unknownOptionMessages(unknown, table));
    const problems = valueProblems(argv, table, raw, notDirectory);
    // Only import reads words after "--" (a command line to import); for every other command
    // they would be dropped without a word.
    const rest = argv["--"];
    if (context.command !== "import" && Array.isArray(rest) && rest.length > 0)
      problems.push(`unexpected words after "--": ${rest.map(String).join(" ")}`);
    if (problems.length > 0) throw usage(problems);
  }) as (argv: Arguments) => void;
}

/**
 * Collects a command's examples instead of handing them to yargs, which sets an example's command
 * in a column of fixed width and breaks it mid-word; forCli prints them as the epilogue.
 */
function collectExamples(y: Argv, into: [string, string][]): Argv {
  return Object.assign(y, {
    example: (command: string, description: string) => {
      into.push([command.replace(/\$0/g, "tunnelc"), description]);
      return y;
    },
  });
}

/** Each command's help lists its own options; --version belongs to the top level only. */
function forCli(c: CommandModule<object, never>): CommandModule<object, never> {
  const builder = c.builder;
  return {
    ...c,
    builder: (y) => {
      // Before yargs checks anything, so its messages can say which command they are about.
      context = { command: nameOf(c), positionals: [] };
      const examples: [string, string][] = [];
      const built =
        typeof builder === "function" ? (builder(collectExamples(y, examples)) as Argv) : y;
      const withExamples = examples.length
        ? built.epilogue(examplesText(examples, helpWidth()))
        : built;
      const done = hideTypes(withExamples.version(false));
      context = { ...context, table: optionTableOf(done, positionalsOf(c)) };
      return done as never;
    },
  };
}

/**
 * yargs's column of types and defaults, which it glues to a description that fills its last line
 * ("port[array]"): hidden, its words are in each description instead (options.ts withExtras).
 * `usageConfiguration` is yargs 17.7's public API (docs/api.md there), not in @types/yargs.
 */
function hideTypes(y: Argv): Argv {
  const typed = y as Argv & { usageConfiguration(c: { "hide-types": boolean }): Argv };
  return typed.usageConfiguration({ "hide-types": true });
}

/** The terminal's width, or $COLUMNS when not on one; at most 100 (long lines read badly). */
function helpWidth(): number {
  // eslint-disable-next-line no-restricted-properties -- a read, not a write: the terminal's width
  const columns = process.stdout.columns || Number(process.env.COLUMNS) || 100;
  return Math.max(40, Math.min(100, columns));
}

async function main(argv: string[]): Promise<void> {
  let y = yargs(argv)
    .scriptName("tunnelc")
    .usage("$0 <command> [options]\n\nCompile SSH tunnel specs into hardened systemd units.");
  for (const c of COMMANDS) y = y.command(forCli(c));
  y = hideTypes(y);
  await y
    .middleware(checkValues(argv), true)
    .demandCommand(1, `Name a command: ${COMMANDS.map(nameOf).join(", ")}.`)
    // Words after "--" as they are (import's command line): not read as numbers, not in "_".
    .parserConfiguration({ "populate--": true, "parse-positional-numbers": false })
    .strict()
    .version(pkg.version)
    .help()
    .alias("h", "help")
    .epilogue(
      paragraphs(
        [
          "Exit status: 0 ok, 1 a problem in a spec (or a refused change), 2 bad usage, 3 a system error (I/O, a missing tool, a failed systemctl call), 4 differences found (diff --exit-code).",
          "See man tunnelc.",
        ],
        helpWidth(),
      ),
    )
    .wrap(helpWidth())
    .fail((msg, err) => {
      // Errors from handlers go on to main's catch; yargs's own become usage errors. Throwing
      // (not just printing) is what stops yargs from going on to run the command's handler.
      if (err && err.name !== "YError") throw err;
      const c = COMMANDS.find((c) => nameOf(c) === context.command);
      // A mistyped command is the one problem worth saying: the words after it are its own.
      const word = argv.find((a) => !a.startsWith("-"));
      if (!c && word !== undefined && !COMMANDS.some((k) => nameOf(k) === word))
        throw usage([unknownCommand(word, COMMANDS.map(nameOf))]);
      // Before yargs's own message: `--jsn spec.json` has eaten spec.json as --jsn's value.
      const unknown = context.table ? unknownOptions(argv, context.table) : [];
      if (c && context.table && unknown.length > 0)
        throw usage(unknownOptionMessages(unknown, context.table));
      throw usage(
        usageMessage(msg ?? err?.message ?? "", {
          ...(context.table && { table: context.table }),
          positionals: context.positionals,
          ...(c ? { usage: `tunnelc ${String(c.command)}` } : { commands: COMMANDS.map(nameOf) }),
        }).split("\n"),
      );
    })
    .parseAsync();
}

/**
 * yargs drops a bare "-" from positional lists, so a spec read from stdin is passed on as
 * /dev/stdin (loadSpec reads fd 0 for it); "-o -" stays as it is.
 */
export function stdinArgs(argv: string[]): string[] {
  const end = argv.indexOf("--");
  return argv.map((a, i) =>
    a === "-" && (end === -1 || i < end) && !["-o", "--output"].includes(argv[i - 1] ?? "")
      ? STDIN
      : a,
  );
}

const ARGS = stdinArgs(hideBin(process.argv));
main(ARGS).catch((e: unknown) => fail(e, wantsJson(ARGS)));
