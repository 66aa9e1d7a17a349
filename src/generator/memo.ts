// The generator's memo: what one run read and what it wrote, so that the next boot, reading the
// same, writes the same without compiling anything (docs/generator.md "The memo"). planGeneration
// is a pure function of what the generator reads, so its result is reused only when the SHA-256
// of every input, and of the build, is the one the memo was made under. Pure: the gatherer reads
// the kept memo, the file applier writes it.
import type * as Crypto from "node:crypto";
import { lazyBuiltin } from "../builtin.ts";
import { sha256Append, sha256Begin, sha256Digest } from "../sha256.ts";
import type { Diagnostic } from "../errors.ts";
import type { Line } from "../edge/generator-edge.ts";
import type { GeneratedLink } from "./plan.ts";
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

const FORMAT = 1;

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
  text: string | Uint8Array | readonly (string | Uint8Array)[];
  /** 0644 when not given (GeneratedFile). */
  mode?: number;
}

export interface Replay {
  files: OutFile[];
  links: GeneratedLink[];
  lines: Line[];
}

/**
 * The inputs' SHA-256: equal digests, equal inputs. A digest, not the text: a spec directory may
 * hold what is not a spec (a private key dropped there by mistake, which the generator refuses
 * without quoting it), and the memo is kept on disk. Hashed piece by piece, each piece JSON (no
 * newline in it) on a line of its own after a count of what follows, so that no two inputs give
 * one text, and no run holds the whole text at once. The system's units are not in it: the
 * memo holds what the run asked of them (Asked), checked again at each replay.
 */
export function memoKey(i: MemoInputs): string {
  const size = i.dirs.reduce((n, d) => d.specs.reduce((m, s) => m + s.text.length, n), 0);
  const hash = hasher(size);
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
  return `sha256:${hash.digest()}`;
}

interface Hasher {
  update(text: string): void;
  digest(): string;
}

/**
 * SHA-256 of texts' UTF-8 bytes: node:crypto for a long message, src/sha256.ts for a short one,
 * whose boot would pay more for loading node:crypto (several milliseconds under the generator's
 * V8 flags) than for hashing in JavaScript. The same digest either way (test/hash.test.ts holds
 * src/sha256.ts to node:crypto; test/generator-memo.test.ts the two here).
 */
export function hasher(size: number, short = SHORT_TEXT): Hasher {
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
      digest: () => h.update(pending).digest("hex"),
    };
  }
  sha256Begin();
  return { update: sha256Append, digest: sha256Digest };
}

/**
 * The memo's bytes, as parts written one after the other: one line of JSON (the key, each file's
 * path, mode and size, the links, the log lines, the answers asked of the system's units and a
 * checksum of what follows), then every file's bytes. A boot that replays it writes each file
 * from a slice of what it read, decoding nothing, and the run that writes it never holds a second
 * copy of its units (a thousand units are megabytes).
 */
export function memoParts(key: string, out: Replay, asked: Asked): (string | Uint8Array)[] {
  const size = (t: OutFile["text"]): number =>
    typeof t === "string"
      ? Buffer.byteLength(t)
      : t instanceof Uint8Array
        ? t.length
        : t.reduce((n, p) => n + size(p), 0);
  const sizes = out.files.map((f) => size(f.text));
  const header = JSON.stringify({
    format: FORMAT,
    key,
    files: out.files.map((f, i) => ({ path: f.path, mode: f.mode ?? 0o644, size: sizes[i] })),
    links: out.links,
    lines: out.lines,
    asked,
  });
  const body = out.files.flatMap((f) => f.text);
  const bytes = sizes.reduce((n, s) => n + s, 0);
  return [`${header.slice(0, -1)},"check":"${checksum(body, bytes)}"}\n`, ...body];
}

/**
 * A check of the parts' bytes against what the disk may lose (not against anyone: only root can
 * write a memo that is used): SHA-256 by node:crypto for a large memo; for a small one a
 * Fletcher sum (two 32-bit running sums of the bytes), since loading node:crypto or running a
 * hash in cold JavaScript costs a small boot more than all else (docs/performance.md). Which one
 * follows from the size alone, so a reader recomputes exactly what the writer wrote.
 */
export function checksum(
  parts: readonly (string | Uint8Array)[],
  bytes: number,
  large = LARGE,
): string {
  if (bytes > large) {
    const hash = crypto().createHash("sha256");
    for (const part of parts) hash.update(part);
    return `sha256:${hash.digest("hex")}`;
  }
  let a = 1;
  let b = 0;
  for (const part of parts) {
    const d = typeof part === "string" ? Buffer.from(part) : part;
    for (let i = 0; i < d.length; i++) {
      a = (a + d[i]!) | 0;
      b = (b + a) | 0;
    }
  }
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, "0");
  return `fletcher:${hex(a)}${hex(b)}`;
}

/** Where loading node:crypto costs less than SHA-256 in cold JavaScript (about 10 µs a block). */
const SHORT_TEXT = 32 * 1024;

/** Where node:crypto becomes the faster way to hash (measured: docs/performance.md). */
const LARGE = 256 * 1024;

/**
 * What a memo says to write, if its key is this run's and its contents are of the form this
 * build writes; else undefined (a run compiles as if there were none). Every path is checked to
 * lie in this normal-dir, every link to point at a sibling unit, every mode to be one the
 * generator uses, the sizes to add up to the bytes: a memo only ever replays what a generator
 * could have written there.
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
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(data.buffer, data.byteOffset, end).toString("utf8"));
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
  let at = end + 1;
  const out = files.map((f) => {
    const text = data.subarray(at, at + f.size);
    at += f.size;
    return { path: f.path, mode: f.mode, text };
  });
  if (at !== data.length) return undefined;
  // A memo is written whole or not at all (the keeper renames it into place); a byte it lost on
  // the disk since would be written into a unit as it is: no replay then.
  const body = data.subarray(end + 1);
  if (v.check !== checksum([body], body.length)) return undefined;
  return { files: out, links, lines };
}

/** node:crypto, loaded only for a large memo (src/sha256.ts says why). */
const crypto = lazyBuiltin<typeof Crypto>("node:crypto");

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
