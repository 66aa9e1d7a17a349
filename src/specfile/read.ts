// The I/O edge of the spec stage, and the one reader of spec files: the CLI's arguments, the
// default spec directory and the generator's directories (src/edge/generator-edge.ts) all read through
// readSpecFile; standard input ("-") is a stream, bounded the same way. Commands ask for specs
// through the gatherer (src/edge/read.ts).
//
// Only regular files are read: a FIFO would block the reader forever, a link to /dev/zero would
// never end, a device may act on open. A file is opened non-blocking (a FIFO swapped in opens
// without a writer and is refused), without a controlling terminal, close-on-exec (libuv adds
// O_CLOEXEC to every open), and its size is taken from the descriptor (fstat) before a byte is
// read; the read stops at the limit whatever fstat said (/proc files say 0, a file may grow).
import type { Code } from "../codes.ts";
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  readlinkSync,
  statSync,
  type Stats,
} from "node:fs";
import { SpecError, SystemError, type Diagnostic } from "../errors.ts";
import type { SpecText } from "./source.ts";

/** Specs larger than this are refused before reading: no tunnel list needs 64 MiB. */
export const MAX_SPEC_BYTES = 64 * 1024 * 1024;

/** How the CLI names standard input as a spec ("-" on the command line). */
export const STDIN = "/dev/stdin";

/** What a spec file read gives: its text (and the owner and mode of what was read), or why not. */
export type FileRead =
  | { ok: true; text: string; uid: number; mode: number; masked: false }
  /** A link to /dev/null (or the device itself): masks the name, as for unit files. */
  | { ok: true; text: ""; masked: true }
  | {
      ok: false;
      /** A diagnostic code; read/io for an error of the system (errno), the rest are refusals. */
      code: Code;
      message: string;
      /** For read/io: the system's reason alone. */
      why?: string;
    };

/** The file type a directory entry (d_type) or a stat says, when it is not a regular file. */
export type EntryType = "file" | "link" | "unknown" | "other";

/**
 * A spec file, read as the rules above say. `type` is what the directory listing said, when
 * there was one: a regular entry is opened with O_NOFOLLOW (no link can be swapped in under
 * it); a link (or an entry of unknown type, or a name from the command line) is stat'ed first,
 * so no device, FIFO or socket it points to is ever opened.
 */
export function readSpecFile(
  path: string,
  type: EntryType = "unknown",
  limit = MAX_SPEC_BYTES,
): FileRead {
  let flags = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;
  if (type === "file") flags |= constants.O_NOFOLLOW;
  else {
    let st: Stats;
    try {
      st = statSync(path);
    } catch (e) {
      return failed(e, path);
    }
    if (isDevNull(st)) return { ok: true, text: "", masked: true };
    if (!st.isFile()) return notRegular(st);
    if (st.size > limit) return tooLarge(st.size, limit);
  }
  let fd: number;
  try {
    fd = openSync(path, flags);
  } catch (e) {
    return failed(e, path);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return isDevNull(st) ? { ok: true, text: "", masked: true } : notRegular(st);
    if (st.size > limit) return tooLarge(st.size, limit);
    const bytes = readBounded(fd, st.size, limit, true);
    if (bytes === undefined) return tooLarge(undefined, limit);
    return { ok: true, text: bytes.toString("utf8"), uid: st.uid, mode: st.mode, masked: false };
  } catch (e) {
    return failed(e, path);
  } finally {
    closeSync(fd);
  }
}

/** Reused for every file that fits: a spec is a few hundred bytes, the generator reads many. */
let scratch: Buffer | undefined;
const SCRATCH = 64 * 1024;

/**
 * The bytes of fd, never more than limit + 1 read; undefined when it holds more than limit.
 * `size` is what fstat said (a guess: the read goes on to the end or the limit). The bytes may be
 * in a buffer the next read reuses: decode them before reading again. A stream that has nothing
 * yet (EAGAIN: standard input left non-blocking) is waited for, as a blocking read would. Of a
 * regular file, a read that fills less than it asked for has reached the end (read(2): fewer
 * bytes only at end of file, from a file on a disk), so no second read asks to see it: a
 * generator reading a thousand specs makes a thousand calls fewer.
 */
function readBounded(fd: number, size: number, limit: number, regular = false): Buffer | undefined {
  // One byte more than fstat said, to see the end in one read (or that it grew).
  const want = Math.min(size, limit) + 1;
  let buf = want <= SCRATCH ? (scratch ??= Buffer.allocUnsafe(SCRATCH)) : Buffer.allocUnsafe(want);
  let n = 0;
  for (;;) {
    const room = Math.min(buf.length, limit + 1) - n;
    if (room === 0) {
      if (n > limit) return undefined;
      const bigger = Buffer.allocUnsafe(Math.min(n * 2, limit + 1));
      buf.copy(bigger, 0, 0, n);
      buf = bigger;
      continue;
    }
    let got: number;
    try {
      got = readSync(fd, buf, n, room, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      continue;
    }
    if (got === 0) return buf.subarray(0, n);
    n += got;
    if (regular && got < room) return buf.subarray(0, n);
  }
}

/**
 * readBounded's bytes in a buffer of their own, never the scratch buffer the next read reuses:
 * for bytes that are kept, not decoded at once (the generator's memo as `generator keep` copies
 * it, src/edge/read.ts).
 */
export function readOwnBytes(fd: number, size: number, limit: number): Buffer | undefined {
  const bytes = readBounded(fd, size, limit, true);
  return bytes !== undefined && bytes.buffer === scratch?.buffer ? Buffer.from(bytes) : bytes;
}

/** /dev/null, the mask (systemd.unit(5)): character device 1:3 (Documentation/admin-guide/devices.txt). */
const DEV_NULL = (1 << 8) | 3;
const isDevNull = (st: Stats) => st.isCharacterDevice() && st.rdev === DEV_NULL;

function typeName(st: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  return "not a regular file";
}

export function notRegular(st: Parameters<typeof typeName>[0]): {
  ok: false;
  code: "read/not-regular";
  message: string;
} {
  return {
    ok: false,
    code: "read/not-regular",
    message: `refused: ${typeName(st)}, not a regular file; only regular files are read as specs`,
  };
}

function tooLarge(size: number | undefined, limit: number): FileRead {
  const what = size === undefined ? `more than ${limit} bytes` : `${size} bytes`;
  return {
    ok: false,
    code: "json/too-large",
    message: `the spec is ${what}; specs larger than ${limit} bytes are refused`,
  };
}

function failed(e: unknown, path: string): FileRead {
  const errno = (e as NodeJS.ErrnoException)?.code;
  if (errno === "ENOENT" && isLink(path)) {
    let target = "";
    try {
      target = ` to ${readlinkSync(path)}`;
    } catch {
      // Gone meanwhile: the link alone says enough.
    }
    return {
      ok: false,
      code: "read/dangling-link",
      message: `refused: a dangling symbolic link${target}`,
    };
  }
  // O_NOFOLLOW on what the listing said was a file: it was replaced by a link meanwhile.
  if (errno === "ELOOP")
    return { ok: false, code: "read/not-regular", message: "refused: replaced while being read" };
  return { ok: false, code: "read/io", message: `cannot read: ${reason(e)}`, why: reason(e) };
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** At line 1, column 1 of the file: where a problem with the whole file is reported. */
export function wholeFile(file: string, code: Code, message: string): Diagnostic {
  return {
    severity: "error",
    code,
    message,
    location: { file, line: 1, column: 1, pointer: "", length: 1 },
  };
}

/**
 * A spec named on the command line (or "-", standard input). Not checked for who may write it:
 * the caller chose it (docs/generator.md "Whose specs are read"). A file that cannot be opened
 * is a system error (exit 3), as before; one that is not a regular file, or too large, is a
 * located problem (exit 1).
 */
export function loadSpec(file: string): SpecText {
  const stdin = file === "-" || file === STDIN;
  const name = stdin ? "<stdin>" : file;
  const r = stdin ? readStdin() : readSpecFile(file);
  if (r.ok) return { file: name, text: stripBom(r.text) };
  if (r.why !== undefined) throw new SystemError(`cannot read ${file}: ${r.why}`);
  throw new SpecError([wholeFile(name, r.code, r.message)]);
}

/**
 * Standard input: a regular file (`< spec.json`) as any file; a pipe or terminal as a stream,
 * read up to the limit and one byte more, never further.
 */
function readStdin(limit = MAX_SPEC_BYTES): FileRead {
  try {
    const st = fstatSync(0);
    if (st.isFile() && st.size > limit) return tooLarge(st.size, limit);
    const bytes = readBounded(0, st.isFile() ? st.size : SCRATCH - 1, limit, st.isFile());
    if (bytes === undefined) return tooLarge(undefined, limit);
    return { ok: true, text: bytes.toString("utf8"), uid: st.uid, mode: st.mode, masked: false };
  } catch (e) {
    return failed(e, STDIN);
  }
}

/** A UTF-8 byte order mark is not part of the JSON text (RFC 8259 §8.1 lets a parser ignore it). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === "ENOENT") return "no such file or directory";
  if (err?.code === "EACCES") return "permission denied";
  if (err?.code === "EISDIR") return "is a directory";
  if (err?.code === "ENOTDIR")
    return err.path ? `${err.path} is not a directory` : "not a directory";
  if (err?.code === "EROFS") return "read-only file system";
  return err?.message ?? String(e);
}
