// The generator's own entry (dist/generator.cjs): what the installed script runs at every boot
// and daemon-reload, without yargs or the other commands, which would cost start-up time
// and memory there (docs/performance.md). It takes only the arguments systemd and the script
// pass; bin/tunnelc.cjs hands anything else (--dry-run, --help, a mistake) to the full CLI, which
// has the messages and the help. Unlike the CLI and the lean compile, which print through
// src/print.ts, this entry prints and exits by itself.
import { generateWith, type GenerateArgs } from "./commands/generate-run.ts";
import { withDefaultFlags } from "./young-generation.ts";
import { edgeOf } from "./edge/edge.ts";
import { errorText } from "./error-text.ts";
import { styleFor } from "./style.ts";

/** dist/generator-compile.cjs (src/generator-compile.ts), loaded by the caller's loader. */
export type Compiler = typeof import("./generator-compile.ts");

/**
 * `generate [--user] [--spec-dir DIR]... DIR [DIR DIR]`, as the full CLI reads it; undefined for
 * any other command line. `argv` starts at the command name.
 */
export function leanArgs(argv: readonly string[]): GenerateArgs | undefined {
  if (argv[0] !== "generate") return undefined;
  const dirs: string[] = [];
  const specDir: string[] = [];
  let user = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--user" && !user) user = true;
    else if (a === "--spec-dir") {
      const dir = argv[++i];
      // A missing or option-like value is a usage error: the full CLI words it.
      if (dir === undefined || dir === "" || dir.startsWith("-")) return undefined;
      specDir.push(dir);
    } else if (a === "" || a.startsWith("-")) return undefined;
    else dirs.push(a);
  }
  if (dirs.length === 0 || dirs.length > 3) return undefined;
  return { dirs, user, dryRun: false, json: false, ...(specDir.length > 0 && { specDir }) };
}

/** Red on a terminal, as src/print.ts colours "tunnelc:" (src/style.ts). */
function red(s: string): string {
  return styleFor(process.stderr.isTTY, process.env.NO_COLOR).red(s);
}

/**
 * runGenerate (src/commands/generate.ts) in two bundles: the run's reads and writes here, the
 * compiler loaded only when the kept memo is not this run's (generate-run.ts). The same lines
 * and exit codes as src/cli.ts (src/error-text.ts) for what the run returns or throws.
 */
export async function main(args: GenerateArgs, compiler: () => Compiler): Promise<void> {
  let code: number;
  try {
    // The compiler's code cache was made under V8's default flags, which it is loaded under.
    const load = () => withDefaultFlags(compiler).compileRun;
    const o = await generateWith(args, edgeOf(), process.env, load);
    if (o.stdout) process.stdout.write(o.stdout);
    if (o.notes.length > 0) process.stderr.write(`${o.notes.join("\n")}\n`);
    code = o.exitCode;
  } catch (e) {
    const said = errorText(e, red, Boolean(process.env.TUNNELC_DEBUG));
    process.stderr.write(said.text);
    code = said.exitCode;
  }
  // Nothing is left to run: the journal connection, if any, is closed; stderr writes are
  // synchronous for files and pipes.
  process.exit(code);
}
