// The CLI entry: yargs wiring, and the only place that prints and exits (docs/cli.md).
import { createInterface } from "node:readline/promises";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { Chalk } from "chalk";
import { ExitCode, TunnelcError, SpecError, SystemError, UsageError } from "./errors.ts";
import { formatDiagnostic, summarize, type Style } from "./report.ts";
import { compileCommand } from "./commands/compile.ts";
import { validateCommand } from "./commands/validate.ts";
import { schemaCommand } from "./commands/schema.ts";
import { installCommand } from "./commands/install.ts";
import { uninstallCommand } from "./commands/uninstall.ts";
import { statusCommand } from "./commands/status.ts";
import { diffCommand } from "./commands/diff.ts";
import { trustCommand } from "./commands/trust.ts";
import { initCommand } from "./commands/init.ts";
import { doctorCommand } from "./commands/doctor.ts";
import { relayCommand, sshConfigCommand } from "./commands/relay.ts";
import { generateCommand } from "./commands/generate.ts";
import { generatorCommand } from "./commands/generator.ts";
import type { Outcome } from "./commands/outcome.ts";
import pkg from "../package.json" with { type: "json" };
import { STDIN } from "./specfile/read.ts";

/** chalk does not look at NO_COLOR (no-color.org) by itself; and no colour into a pipe. */
function styleFor(stream: NodeJS.WriteStream): Style {
  const noColor = (process.env.NO_COLOR ?? "") !== "" || !stream.isTTY;
  return new Chalk({ level: noColor ? 0 : 1 });
}

function print(o: Outcome): never {
  const style = styleFor(process.stderr);
  const lines = o.diagnostics.map((d) => formatDiagnostic(d, style));
  const summary = summarize(o.diagnostics);
  if (summary) lines.push(style.bold(summary));
  lines.push(...o.notes);
  if (o.stdout) process.stdout.write(o.stdout);
  if (lines.length > 0) process.stderr.write(lines.join("\n") + "\n");
  return exit(o.exitCode);
}

let exiting = false;

function exit(code: number): never {
  // Let stdout drain before exiting when it is a pipe.
  process.exitCode = code;
  process.stdout.write("", () => process.exit(code));
  return undefined as never;
}

function fail(e: unknown): never {
  if (e instanceof SpecError)
    return print({ exitCode: e.exitCode, stdout: "", diagnostics: e.diagnostics, notes: [] });
  const style = styleFor(process.stderr);
  if (e instanceof TunnelcError) {
    const detail = e instanceof SystemError && e.detail ? `\n${e.detail}` : "";
    process.stderr.write(`${style.red("tunnelc:")} ${e.message}${detail}\n`);
    return exit(e.exitCode);
  }
  const err = e as Error;
  process.stderr.write(
    `${style.red("tunnelc: internal error:")} ${err?.message ?? String(e)}\nPlease report this with the spec that caused it.\n`,
  );
  if (process.env.TUNNELC_DEBUG) process.stderr.write(`${err?.stack ?? ""}\n`);
  return exit(ExitCode.system);
}

/**
 * A question on the terminal, for `init` on a TTY; commands never read stdin themselves. One
 * reader for the session, whose line iterator keeps answers typed (or pasted) ahead.
 */
let answers: AsyncIterator<string> | undefined;
async function ask(question: string): Promise<string> {
  answers ??= createInterface({ input: process.stdin, terminal: false })[Symbol.asyncIterator]();
  process.stderr.write(question);
  const next = await answers.next();
  if (next.done) throw new UsageError("input ended before every question was answered");
  return String(next.value).trim();
}

async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName("tunnelc")
    .usage("$0 <command> [options]\n\nCompile SSH tunnel specs into hardened systemd units.")
    .command(compileCommand(print))
    .command(validateCommand(print))
    .command(schemaCommand(print))
    .command(installCommand(print))
    .command(uninstallCommand(print))
    .command(statusCommand(print))
    .command(diffCommand(print))
    .command(trustCommand(print))
    .command(initCommand(print, process.stdin.isTTY ? ask : undefined))
    .command(doctorCommand(print))
    .command(relayCommand(print))
    .command(sshConfigCommand(print))
    .command(generatorCommand(print))
    .command(generateCommand(print))
    .demandCommand(
      1,
      "Name a command: init, compile, validate, install, uninstall, status, diff, trust, relay, ssh-config, doctor, generator, generate or schema.",
    )
    .completion("completion", "Print a shell completion script: bash, or zsh when SHELL is zsh")
    .strict()
    .version(pkg.version)
    .help()
    .alias("h", "help")
    .epilogue(
      "Exit status: 0 ok, 1 a problem in a spec (or a refused change), 2 bad usage, 3 a system error\n(I/O, a missing tool, a failed systemctl call), 4 differences found (diff --exit-code).\nSee docs/cli.md and docs/spec.md.",
    )
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((msg, err) => {
      // Errors from handlers reject parseAsync and are reported once, by main's catch.
      if (err) throw err;
      if (exiting) return undefined as never;
      exiting = true;
      process.stderr.write(`tunnelc: ${msg}\nRun "tunnelc --help" for usage.\n`);
      return exit(ExitCode.usage);
    })
    .parseAsync();
}

/**
 * yargs drops a bare "-" from positional lists, so a spec read from stdin is passed on as
 * /dev/stdin (loadSpec reads fd 0 for it); "-o -" stays as it is.
 */
export function stdinArgs(argv: string[]): string[] {
  return argv.map((a, i) =>
    a === "-" && !["-o", "--output"].includes(argv[i - 1] ?? "") ? STDIN : a,
  );
}

main(stdinArgs(hideBin(process.argv))).catch(fail);
