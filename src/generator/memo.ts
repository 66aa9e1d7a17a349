// The generator's memo: what one run read and what it wrote, so that the next boot, reading the
// same, writes the same without compiling anything (docs/generator.md "The memo"). planGeneration
// is a pure function of what the generator reads, so its result is reused only when the hash of
// every input, and of the build, is the one the memo was made under. Pure: the gatherer reads
// the kept memo, the file applier writes it.
import type * as Crypto from "node:crypto";
import { lazyBuiltin } from "../builtin.ts";
import { checksum } from "../checksum.ts";
import { Murmur3 } from "../murmur3.ts";
import type { Diagnostic } from "../errors.ts";
import type { Line } from "../edge/generator-edge.ts";
import type { GeneratedLink } from "./plan.ts";
import type { FileRange, InPlaceText } from "../edge/plan.ts";
import type { HeldMemo } from "../edge/query.ts";
import type { SpecDir } from "./precedence.ts";
import { existingUnit } from "../install/search-path.ts";

/** Beside the units, in the normal-dir: the run's memo, which the keeper unit keeps. */
export const MEMO_FILE = "tunnelc-generator.memo";

/**
 * Where the keeper keeps it for the next boot: tunnelc's cache directory (hier(7): /var/cache
 * holds what a program can make again; deleting it costs one boot's compile, nothing else).
 */
export const KEPT_DIR = "/var/cache/tunnelc";
export const KEPT_MEMO = `${KEPT_DIR}/generator.memo`;

/**
 * The most of a memo read: about 14,000 units, seventy times the host the generator warns
 * about (model/host-load.ts). A larger file is refused unread, so a careless copy there can
 * never hold up a boot.
 */
export const MAX_MEMO_BYTES = 64 * 1024 * 1024;

/**
 * 2: the key a MurmurHash3, the header padded to a word, a small memo's sum over words (1: the
 * key a SHA-256, the sum over bytes).
 */
const FORMAT = 2;

/** Everything planGeneration and the run's log lines depend on, as the generator read it. */
export interface MemoInputs {
  /** The build that compiled (src/build-id.ts): another tunnelc may compile the same specs otherwise. */
  build: string;
  normalDir: string;
  /** The keeper's command line, which its unit carries. */
  keeper: readonly string[];
  dirs: SpecDir[];
  readProblems: Diagnostic[];
}

/** The system's units by directory, as src/install/search-path.ts lists them. */
type Units = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * Which unit names a run asked the system's unit directories about (the generator never takes a
 * name a unit of the system has: plan.ts, keeper.ts), with where each was found, or null: the
 * memo holds these answers instead of the listings, so a package that adds an unrelated service
 * costs no compile, and one that takes a tunnel's name does.
 */
export type Asked = [name: string, at: string | null][];

/** The units, with every name asked of them recorded; then the answers, sorted by name. */
export function askingUnits(units: Units): { units: Units; asked: () => Asked } {
  const names = new Set<string>();
  class Recorded extends Set<string> {
    override has(name: string): boolean {
      names.add(name);
      return super.has(name);
    }
  }
  const recorded = new Map([...units].map(([dir, set]) => [dir, new Recorded(set)] as const));
  return {
    units: recorded,
    asked: () => [...names].sort().map((n): Asked[number] => [n, existingUnit(n, units) ?? null]),
  };
}

/**
 * A file to write: a unit as text when compiled, as bytes when replayed from a memo; the memo
 * itself as its parts.
 */
export interface OutFile {
  path: string;
  /** Compiled: text; replayed: a range of the held memo, or bytes of one read whole (keep). */
  text: InPlaceText;
  /** 0644 when not given (GeneratedFile). */
  mode?: number;
}

export interface Replay {
  files: OutFile[];
  links: GeneratedLink[];
  lines: Line[];
}

/**
 * The inputs' hash: equal keys, equal inputs. Of a few specs a MurmurHash3_x86_128
 * (src/murmur3.ts), which cold JavaScript computes in a tenth of SHA-256's time; of many, whose
 * texts are more than that, SHA-256 by node:crypto (keyHash). It tells a changed input, as an
 * edit, a package or a disk makes one; it is no defence against a forger, and needs none: only
 * root can write a spec directory the generator reads itself or a memo it replays, and a
 * collision would only replay what root's own earlier specs compiled. A hash, not the text: a
 * spec directory may hold what is not a spec (a private key dropped there by mistake, which the
 * generator refuses without quoting it), and the memo is kept on disk. Hashed piece by piece,
 * each piece JSON (no newline in it) on a line of its own after a count of what follows, so that
 * no two inputs give one text, and no run holds the whole text at once. The system's units are
 * not in it: the memo holds what the run asked of them (Asked), checked again at each replay.
 */
export function memoKey(i: MemoInputs): string {
  const size = i.dirs.reduce((n, d) => d.specs.reduce((m, s) => m + s.text.length, n), 0);
  const hash = keyHash(size);
  const line = (v: unknown) => hash.update(`${JSON.stringify(v)}\n`);
  line([FORMAT, i.build, i.normalDir, i.keeper]);
  line(i.dirs.length);
  for (const d of i.dirs) {
    line([d.dir, d.specs.length]);
    for (const spec of d.specs) {
      line(spec.file);
      line(spec.text);
      line(spec.refused ?? null);
    }
  }
  line(i.readProblems);
  return hash.digest();
}

interface KeyHash {
  update(text: string): void;
  digest(): string;
}

/**
 * The key's hash for texts of `size` UTF-16 units in all: MurmurHash3 up to `short`, whose cold
 * JavaScript costs less than loading node:crypto (about 3 ms); SHA-256 by node:crypto beyond,
 * where MurmurHash3's cold JavaScript, line by line, costs more (docs/performance.md). Which one
 * follows from the texts alone, and its name is in the key.
 */
export function keyHash(size: number, short = SHORT_KEY): KeyHash {
  if (size > short) {
    const h = crypto().createHash("sha256");
    // In chunks: each update crosses into C++, and a key is thousands of short lines.
    let pending = "";
    return {
      update: (t) => {
        pending += t;
        if (pending.length < 65536) return;
        h.update(pending);
        pending = "";
      },
      digest: () => `sha256:${h.update(pending).digest("hex")}`,
    };
  }
  const h = new Murmur3();
  return { update: (t) => void h.updateText(t), digest: () => `murmur3:${h.digest()}` };
}

const SHORT_KEY = 32 * 1024;

/** node:crypto, for the key of many specs. */
const crypto = lazyBuiltin<typeof Crypto>("node:crypto");

/** A compiled file's text as parts; a compile never holds a range of a memo. */
function partsOf(t: InPlaceText): readonly (string | Uint8Array)[] {
  if (typeof t === "string" || t instanceof Uint8Array) return [t];
  if (!Array.isArray(t)) throw new Error("a replayed file in a memo being written");
  return t as readonly (string | Uint8Array)[];
}

/**
 * The memo's bytes, as parts written one after the other: one line of JSON (the key, each file's
 * path, mode and size, the links, the log lines, the answers asked of the system's units and a
 * checksum of what follows), then every file's bytes. A boot that replays it writes each file
 * from a slice of what it read, decoding nothing, and the run that writes it never holds a second
 * copy of its units (a thousand units are megabytes).
 */
export function memoParts(key: string, out: Replay, asked: Asked): (string | Uint8Array)[] {
  const parts = out.files.map((f) => partsOf(f.text));
  const size = (p: string | Uint8Array) =>
    typeof p === "string" ? Buffer.byteLength(p) : p.length;
  const sizes = parts.map((ps) => ps.reduce((n, p) => n + size(p), 0));
  const header = JSON.stringify({
    format: FORMAT,
    key,
    files: out.files.map((f, i) => ({ path: f.path, mode: f.mode ?? 0o644, size: sizes[i] })),
    links: out.links,
    lines: out.lines,
    asked,
  });
  const body = parts.flat();
  const bytes = sizes.reduce((n, s) => n + s, 0);
  const line = `${header.slice(0, -1)},"check":"${checksum(body, bytes)}"}`;
  // Spaces (JSON's whitespace) up to a multiple of four bytes with the newline: the files' bytes
  // start on a word, which the reader sums word by word (src/checksum.ts).
  const pad = (4 - ((Buffer.byteLength(line) + 1) % 4)) % 4;
  return [`${line}${" ".repeat(pad)}\n`, ...body];
}

/**
 * What a memo read whole says to write (tunnelc generator keep, which copies it), if its key is
 * this run's and its contents are of the form this build writes; else undefined. replayOfHeld
 * does the same for the memo the gatherer holds open at boot.
 */
export function replayOf(
  data: Uint8Array | undefined,
  /** This run's key; undefined: any (the keeper checks only the form). */
  key: string | undefined,
  normalDir: string,
  /** The system's units now, to ask again what the memo's run asked; undefined: not asked. */
  units?: Units,
): Replay | undefined {
  if (data === undefined) return undefined;
  const end = data.indexOf(0x0a);
  if (end < 0) return undefined;
  const body = data.subarray(end + 1);
  return replayFrom(
    {
      header: Buffer.from(data.buffer, data.byteOffset, end).toString("utf8"),
      bodySize: body.length,
      check: checksum([body], body.length),
      slice: (at, size) => body.subarray(at, at + size),
    },
    key,
    normalDir,
    units,
  );
}

/** replayOf for the memo the gatherer read through and holds open (src/edge/read.ts). */
export function replayOfHeld(
  memo: HeldMemo | undefined,
  key: string,
  normalDir: string,
  units: Units,
): Replay | undefined {
  if (memo?.header === undefined) return undefined;
  const { header, bodySize, check, fd, bodyStart, body } = memo;
  // From the bytes read, when they are all there; else from the file held open.
  const slice = body
    ? (at: number, size: number) => body.subarray(at, at + size)
    : (at: number, size: number): FileRange => ({ fd, offset: bodyStart + at, size });
  return replayFrom({ header, bodySize, check, slice }, key, normalDir, units);
}

/** A memo's first line, what follows it (its size and checksum), and a way to its files. */
interface MemoSource {
  header: string;
  bodySize: number;
  /** The checksum of what follows, as read. */
  check: string;
  slice(at: number, size: number): InPlaceText;
}

/**
 * Every path is checked to lie in this normal-dir, every link to point at a sibling unit, every
 * mode to be one the generator uses, the sizes to add up to the bytes, the checksum to be the
 * one written: a memo only ever replays what a generator could have written there.
 */
function replayFrom(
  m: MemoSource,
  key: string | undefined,
  normalDir: string,
  units: Units | undefined,
): Replay | undefined {
  let v: unknown;
  try {
    v = JSON.parse(m.header);
  } catch {
    return undefined;
  }
  if (!isObject(v) || v.format !== FORMAT || typeof v.key !== "string") return undefined;
  if (key !== undefined && v.key !== key) return undefined;
  const { files, links, lines, asked } = v;
  if (!Array.isArray(files) || !Array.isArray(links) || !Array.isArray(lines)) return undefined;
  if (!Array.isArray(asked)) return undefined;
  const goodAnswer = (a: unknown): a is Asked[number] =>
    Array.isArray(a) &&
    a.length === 2 &&
    typeof a[0] === "string" &&
    (a[1] === null || typeof a[1] === "string");
  if (!asked.every(goodAnswer)) return undefined;
  // A unit of the system that now has a name the memo's run found free, or no longer has one it
  // found taken: the plan would differ.
  if (units !== undefined && asked.some(([n, at]) => (existingUnit(n, units) ?? null) !== at))
    return undefined;
  const inside = (p: unknown): p is string =>
    typeof p === "string" &&
    p.startsWith(`${normalDir}/`) &&
    !p.split("/").some((s) => s === ".." || s === ".") &&
    !/[\u0000-\u001f\u007f]/.test(p);
  const goodFile = (f: unknown): f is { path: string; mode: number; size: number } =>
    isObject(f) &&
    inside(f.path) &&
    (f.mode === 0o600 || f.mode === 0o644) &&
    Number.isSafeInteger(f.size) &&
    (f.size as number) >= 0;
  const goodLink = (l: unknown): l is GeneratedLink =>
    isObject(l) &&
    inside(l.path) &&
    typeof l.target === "string" &&
    /^\.\.\/[^/\u0000-\u001f\u007f]+$/.test(l.target) &&
    l.target !== "../.." &&
    l.target !== "../.";
  const goodLine = (l: unknown): l is Line =>
    isObject(l) && (l.level === 3 || l.level === 4) && typeof l.text === "string";
  if (!files.every(goodFile) || !links.every(goodLink) || !lines.every(goodLine)) return undefined;
  // A memo is written whole or not at all (the keeper renames it into place); a byte it lost on
  // the disk since would be written into a unit as it is: no replay then.
  if (v.check !== m.check) return undefined;
  let at = 0;
  const out = files.map((f) => {
    const text = m.slice(at, f.size);
    at += f.size;
    return { path: f.path, mode: f.mode, text };
  });
  if (at !== m.bodySize) return undefined;
  return { files: out, links, lines };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
