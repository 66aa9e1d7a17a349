// The generator's I/O edge: read the spec directories and log problems where the journal finds
// them at early boot; its writes are effects, applied by src/plan/apply-files.ts. Nothing else
// is touched: no /tmp, no /var, no network (systemd.generator(7) "Notes about writing
// generators").
import type * as Net from "node:net";
import { lazyBuiltin } from "../builtin.ts";
import { closeSync, constants, openSync, readFileSync, readdirSync, writeSync } from "node:fs";
import { join } from "node:path";
import { MAX_SPEC_BYTES, reason, stripBom } from "../specfile/read.ts";
import type { Diagnostic } from "../errors.ts";
import { formatDiagnostic, visible } from "../report.ts";
import type { SpecDir } from "./precedence.ts";
import type { GenerationPlan } from "./plan.ts";
import { GENERATOR_NAME } from "./locations.ts";

export interface ReadResult {
  dirs: SpecDir[];
  problems: Diagnostic[];
}

/** Every *.json of each directory; a missing directory is simply empty. */
export function readSpecDirs(dirs: string[]): ReadResult {
  const problems: Diagnostic[] = [];
  const out = dirs.map((dir) => {
    let names: string[];
    try {
      names = readdirSync(dir).filter((f) => f.endsWith(".json"));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") problems.push(readProblem(dir, e));
      names = [];
    }
    const specs = names.sort().flatMap((name) => {
      const file = join(dir, name);
      try {
        return [{ file, text: stripBom(readSpecText(file)) }];
      } catch (e) {
        problems.push(readProblem(file, e));
        return [];
      }
    });
    return { dir, specs };
  });
  return { dirs: out, problems };
}

/**
 * The file as text. readFileSync with "utf8" is one call into Node's C++ (no Buffer in between),
 * and a run reads every spec; each UTF-16 unit of the text comes from at most 3 bytes, so a text
 * of up to a third of the limit is within it. Anything else (a larger text, an error) is read
 * again as bytes, which gives the exact size and the same messages as before.
 */
function readSpecText(file: string): string {
  try {
    const text = readFileSync(file, "utf8");
    if (text.length * 3 <= MAX_SPEC_BYTES) return text;
  } catch {
    // Read again below, for the error's own message.
  }
  const buf = readFileSync(file);
  if (buf.length > MAX_SPEC_BYTES) throw new Error(`larger than ${MAX_SPEC_BYTES} bytes`);
  return buf.toString("utf8");
}

function readProblem(file: string, e: unknown): Diagnostic {
  return {
    severity: "error",
    code: "generator/read",
    message: `cannot read: ${reason(e)}`,
    location: { file, line: 1, column: 1, pointer: "", length: 1 },
  };
}

/** `file:line:col: /pointer: message`, one line per problem, then a summary. */
export function problemLines(problems: Diagnostic[], specs: GenerationPlan["specs"]): Line[] {
  const lines: Line[] = problems.map((d) => ({
    level: d.severity === "error" ? 3 : 4,
    text: visible(formatDiagnostic({ ...d, frame: undefined })),
  }));
  const broken = specs.filter((s) => !s.ok);
  if (broken.length > 0)
    lines.push({
      level: 4,
      text: `${broken.length} spec(s) with errors: ${broken.map((s) => visible(s.file)).join(", ")}; their units only report the errors (tunnelc status)`,
    });
  return lines;
}

export interface Line {
  /** syslog level: 3 err, 4 warning (kmsg's "<N>" prefix). */
  level: 3 | 4;
  text: string;
}

/** The syslog form, `tunnelc-generator[PID]: text`, which journald splits back into its fields. */
export function tagged(l: Line): string {
  return `${GENERATOR_NAME}[${process.pid}]: ${l.text}`;
}

/**
 * The kernel log, which journald imports, is the one log a system generator can reach at early
 * boot (systemd.generator(7): "log messages have to be written to /dev/kmsg"). Returns false when
 * it cannot be opened, so the caller falls back to stderr. Each write is one kmsg record, whose
 * size the kernel limits: long lines are cut.
 */
export function writeKmsg(lines: Line[], path: string): boolean {
  let fd: number;
  try {
    // Never created: in a container /dev/kmsg may be missing (systemd-nspawn(1) hides it), and a
    // regular file there would be a write outside the output directories.
    fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_NOCTTY);
  } catch {
    return false;
  }
  try {
    for (const l of lines) writeSync(fd, `<${l.level}>${tagged(l).slice(0, 960)}\n`);
  } catch {
    // A full or closed log must not fail the boot; stderr still gets nothing twice.
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Without a kernel log (a container) but with journald already running (a daemon-reload, not
 * early boot), journald's stream socket, the one service stdout goes to: a header (identifier,
 * unit, priority, level prefix, forward to syslog, kmsg, console), then the lines, each with its
 * "<N>" level (systemd-journald.service(8), "Stream logging"). Bounded by a timeout: the manager
 * waits for generators, so the generator never waits long on anyone.
 */
export function writeJournalStream(
  lines: Line[],
  socket: string,
  timeoutMs = 1000,
): Promise<boolean> {
  return new Promise((done) => {
    const conn = loadNet().createConnection(socket);
    const timer = setTimeout(() => {
      conn.destroy();
      done(false);
    }, timeoutMs);
    conn.on("error", () => {
      clearTimeout(timer);
      done(false);
    });
    conn.on("connect", () => {
      const header = `${GENERATOR_NAME}\n\n4\n1\n0\n0\n0\n`;
      conn.end(header + lines.map((l) => `<${l.level}>${l.text}\n`).join(""));
    });
    conn.on("close", (hadError) => {
      clearTimeout(timer);
      done(!hadError);
    });
  });
}

/**
 * node:net, loaded only when a line goes to journald's socket: with the stream modules it pulls
 * in it costs a few milliseconds at every start (more under the generator's V8 flags, which turn
 * off Node's own code cache), and most runs log nothing (src/builtin.ts).
 */
const loadNet = lazyBuiltin<typeof Net>("node:net");
