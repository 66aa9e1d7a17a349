// The one place that prints and exits, for both entries that run a command: the CLI (src/cli.ts)
// and the lean `compile` (src/compile-main.ts), so a command says the same bytes whichever entry
// ran it. Text is written to the file descriptors directly, in order: process.stdout and
// process.stderr are streams whose making loads Node's stream modules (and node:tty and node:net
// for a terminal or a pipe) at a cost every `compile` would pay (docs/performance.md).
import { writeSync } from "node:fs";
import type * as Tty from "node:tty";
import { ExitCode, SpecError, SystemError, TunnelcError } from "./errors.ts";
import { formatDiagnostic, summarize } from "./report.ts";
import { PLAIN, styleFor, type Style } from "./style.ts";
import type { Outcome } from "./commands/outcome.ts";
import { envelope, errorDiagnostics } from "./envelope.ts";
import { errorText } from "./error-text.ts";
import { lazyBuiltin } from "./builtin.ts";
import { reason } from "./specfile/read.ts";

const tty = lazyBuiltin<typeof Tty>("node:tty");

/** stderr's style (src/style.ts): isatty asked only here, when there is something to colour. */
const stderrStyle = (): Style => styleFor(tty().isatty(2), process.env.NO_COLOR);

/** The descriptors that cannot be written to: told nothing more. */
const gone = new Set<1 | 2>();

/** What a write that must wait sleeps on (Atomics.wait: a sleep that blocks, as a write does). */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/**
 * All of `text` on `fd`, before anything written after it, on this descriptor or the other: the
 * two may be one pipe (`2>&1`). A descriptor made non-blocking (EAGAIN: the full CLI's
 * process.stdout makes a pipe so, and a stream would then queue the rest while stderr went on
 * ahead) is waited for, a millisecond at a time, as a blocking write waits. A reader that has
 * gone (EPIPE: `tunnelc compile … | head -1`) is told nothing more; any other failure on stdout
 * is the run's failure (exit 3); on stderr there is nowhere left to say it.
 */
function writeAll(fd: 1 | 2, text: string): void {
  if (text === "" || gone.has(fd)) return;
  const bytes = Buffer.from(text, "utf8");
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") {
        Atomics.wait(PAUSE, 0, 0, 1);
        continue;
      }
      gone.add(fd);
      if (code === "EPIPE" || fd === 2) return;
      throw new SystemError(`cannot write to standard output: ${reason(e)}`);
    }
  }
}

/** Text for stderr, as it is: a question init asks, a note. */
export function say(text: string): void {
  writeAll(2, text);
}

/** The outcome's output on stdout, its problems and notes on stderr, then its exit status. */
export function print(o: Outcome): never {
  writeAll(1, o.stdout);
  const style = o.diagnostics.length > 0 ? stderrStyle() : PLAIN;
  const lines = o.diagnostics.map((d) => formatDiagnostic(d, style));
  const summary = summarize(o.diagnostics);
  if (summary) lines.push(style.bold(summary));
  lines.push(...o.notes);
  if (lines.length > 0) writeAll(2, lines.join("\n") + "\n");
  return exit(o.exitCode);
}

function exit(code: number): never {
  // Everything was written, synchronously (writeAll).
  process.exit(code);
}

/**
 * A command that threw: with --json, the failure as the JSON envelope on stdout (docs/cli.md
 * "JSON"); else its text on stderr (src/error-text.ts). TUNNELC_DEBUG adds a bug's stack.
 */
export function fail(e: unknown, json: boolean): never {
  const debug = Boolean(process.env.TUNNELC_DEBUG);
  if (json) {
    writeAll(1, envelope(false, errorDiagnostics(e)));
    if (!(e instanceof TunnelcError) && debug) writeAll(2, `${(e as Error)?.stack ?? ""}\n`);
    return exit(e instanceof TunnelcError ? e.exitCode : ExitCode.system);
  }
  if (e instanceof SpecError)
    return print({ exitCode: e.exitCode, stdout: "", diagnostics: e.diagnostics, notes: [] });
  const said = errorText(e, stderrStyle().red, debug);
  writeAll(2, said.text);
  return exit(said.exitCode);
}
