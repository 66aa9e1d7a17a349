// The generator's I/O edge: read the spec directories and log problems where the journal finds
// them at early boot; its writes are effects, applied by src/edge/apply-files.ts. Nothing else
// is touched: no /tmp, no /var, no network (systemd.generator(7) "Notes about writing
// generators").
import type * as Net from "node:net";
import { lazyBuiltin } from "../builtin.ts";
import {
  closeSync,
  constants,
  opendirSync,
  openSync,
  writeSync,
  type Dir,
  type Dirent,
} from "node:fs";
import { join } from "node:path";
import {
  notRegular,
  readSpecFile,
  reason,
  stripBom,
  wholeFile,
  type EntryType,
} from "../specfile/read.ts";
import { PathTrust } from "../specfile/trusted-path.ts";
import { smallYoungGeneration } from "../young-generation.ts";
import { untrusted, type TrustPolicy } from "../specfile/trust.ts";
import type { Diagnostic } from "../errors.ts";
import type { SpecText } from "../specfile/source.ts";

/** The generator's name: its file, its log tag, its status file (systemd.generator(7)). */
export const GENERATOR_NAME = "tunnelc-generator";

export interface SpecDir {
  dir: string;
  /** The directory's *.json files, read. */
  specs: ReadSpec[];
}

export interface ReadSpec extends SpecText {
  /**
   * Why the spec is refused unread or unused: someone other than its trusted owners could
   * write it (src/specfile/trust.ts). A refused spec overrides and masks nothing.
   */
  refused?: Diagnostic;
}

export interface ReadResult {
  dirs: SpecDir[];
  problems: Diagnostic[];
}

/**
 * Every *.json of each directory; a missing directory is simply empty. Each entry that is not a
 * readable regular spec (a FIFO, a socket, a device, a directory, a dangling link, one too large,
 * one whose name cannot be written into a unit) is a problem of its own, located at the entry,
 * and the others are read. With a policy (the directories tunnelc finds by itself), a spec that
 * someone else could write is refused (src/specfile/trust.ts): kept, with its refusal and without
 * its text, so that it fails like a broken spec under its file's name and changes nothing else. A directory someone else could write is
 * refused whole, unlisted: one problem at the directory, however many entries were put in it, and
 * no unit for any of them (their names are anyone's).
 */
export function readSpecDirs(dirs: string[], policy?: TrustPolicy): ReadResult {
  const problems: Diagnostic[] = [];
  const trust = policy && new PathTrust(policy);
  const out = dirs.map((dir) => {
    let entries: Dirent[] = [];
    let listing: Dir | undefined;
    try {
      // Names as latin1 text: one char per byte, so a name that is not UTF-8 is seen as it is
      // (its bytes: Buffer.from(name, "latin1")), and a listing of 100,000 other files makes
      // strings on V8's heap rather than as many Buffers, each with memory of its own, which
      // took a run past 64 MiB (docs/performance.md).
      listing = opendirSync(dir, { encoding: "latin1", bufferSize: 128 });
      const refused = trust?.problem(dir);
      if (refused !== undefined)
        problems.push(
          wholeFile(
            dir,
            "read/untrusted",
            refused.replace(/^refused: /, "refused, no spec read from it: "),
          ),
        );
      else entries = jsonEntries(listing);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR")
        problems.push(wholeFile(dir, "generator/read", `cannot read: ${reason(e)}`));
    } finally {
      listing?.closeSync();
    }
    const listed = entries
      .map((d) => {
        const raw = Buffer.from(d.name, "latin1");
        return { d, raw, name: raw.toString("utf8") };
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const specs = listed.flatMap(({ d, raw, name }) => {
      if (!goodName(raw, name)) {
        problems.push(badName(dir, raw));
        return [];
      }
      const file = join(dir, name);
      const type = entryType(d);
      if (type === "other") {
        problems.push(wholeFile(file, "read/not-regular", notRegular(d).message));
        return [];
      }
      const refusedAt = type === "file" ? undefined : trust?.problem(file);
      // Nothing is opened where someone else could swap what is opened.
      if (refusedAt !== undefined)
        return [{ file, text: "", refused: wholeFile(file, "read/untrusted", refusedAt) }];
      const r = readSpecFile(file, type);
      if (!r.ok) {
        problems.push(wholeFile(file, r.code === "read/io" ? "generator/read" : r.code, r.message));
        return [];
      }
      const owner = r.masked || !policy ? undefined : untrusted(file, "file", r, policy);
      // Its text is anyone's: not even the names of its failing units come from it (one named
      // like another unit would shadow it), only the file's name, which the directory's owner chose.
      if (owner !== undefined)
        return [{ file, text: "", refused: wholeFile(file, "read/untrusted", owner) }];
      return [{ file, text: stripBom(r.text) }];
    });
    return { dir, specs };
  });
  return { dirs: out, problems };
}

/**
 * The directory's *.json entries, read entry by entry (opendir(3)): a directory of many other
 * files costs time, never the memory of a list of all its names. Node 18's Dir joins the
 * directory's path to each name it reads (test/node-versions.test.ts; Debian 12 ships Node 18),
 * which latin1 names survive as the bytes they were read as.
 */
function jsonEntries(listing: Dir): Dirent[] {
  const out: Dirent[] = [];
  let seen = 0;
  for (let e = listing.readSync(); e !== null; e = listing.readSync()) {
    if (e.name.endsWith(".json")) out.push(e);
    // A thousand entries: 1,000 specs, or a directory someone filled with other files. Read with
    // a young generation that grows, 1,000 specs took the compile that follows past its 64 MiB,
    // and 100,000 other files the listing itself (docs/performance.md). Fewer do not pay for
    // the flag's module (node:v8, about 3.5 ms).
    if (++seen === MANY_ENTRIES) smallYoungGeneration();
  }
  return out;
}

const MANY_ENTRIES = 1_000;

/**
 * A name that can be written into a unit and a message as it is: valid UTF-8 (a name that is not
 * would be read back as another name), no control characters (a newline would end the line of
 * the unit that names it; C1 controls act on terminals).
 */
function goodName(raw: Buffer, name: string): boolean {
  let ascii = true;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b < 0x20 || b === 0x7f) return false;
    if (b >= 0x80) ascii = false;
  }
  return ascii || (!/[\u0080-\u009f]/.test(name) && Buffer.from(name, "utf8").equals(raw));
}

function badName(dir: string, raw: Buffer): Diagnostic {
  return wholeFile(
    join(dir, escapeName(raw)),
    "read/bad-name",
    "refused: the file name has control characters or is not UTF-8, so it cannot be written into a unit; rename the file",
  );
}

/** The name with every control character and every byte that is not UTF-8 as an escape. */
export function escapeName(raw: Buffer): string {
  const text = raw.toString("utf8");
  const named: Record<string, string> = { "\n": "\\n", "\t": "\\t", "\r": "\\r" };
  const hex = (c: number) => `\\x${c.toString(16).padStart(2, "0")}`;
  if (Buffer.from(text, "utf8").equals(raw))
    return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => named[c] ?? hex(c.charCodeAt(0)));
  return [...raw].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : hex(b))).join("");
}

function entryType(d: Dirent): EntryType {
  if (d.isFile()) return "file";
  if (d.isSymbolicLink()) return "link";
  // A character device may be /dev/null itself, a mask: the reader looks (stat, never open).
  if (d.isCharacterDevice()) return "link";
  if (d.isDirectory() || d.isFIFO() || d.isSocket() || d.isBlockDevice()) return "other";
  return "unknown";
}

/** Closes the memo the gatherer held open for the run (src/edge/read.ts "memo-file"). */
export function closeHeld(fd: number | undefined): void {
  if (fd === undefined) return;
  try {
    closeSync(fd);
  } catch {
    // Closed already: the run is over either way.
  }
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
