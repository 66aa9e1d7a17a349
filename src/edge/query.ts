// A command's reads as data, like its effects (plan.ts): what to read, list, stat, ask systemctl
// or the journal. One gatherer at the edge (read.ts) answers them; the command (or its planner)
// turns the answers, its Facts, into a report or a plan by pure functions, so a test can hand it
// facts without a file system or a systemd.
import type { SpecText } from "../specfile/source.ts";
import type { RunResult } from "./systemctl.ts";
import type { ReadResult } from "./generator-edge.ts";

/**
 * A path below --root DIR names its `root`: the gatherer then resolves it inside DIR, never
 * following a link out of it (in-root.ts).
 */
interface Jailed {
  root?: string;
}

export type Query =
  /** A regular text file: its text and mode, or why not (a missing file is neither). */
  | ({ kind: "file"; path: string } & Jailed)
  /** A directory's entries, sorted; a missing one is neither names nor error. */
  | ({ kind: "dir"; path: string } & Jailed)
  | ({ kind: "exists"; path: string } & Jailed)
  /** The path with every symbolic link resolved (realpath(3)). */
  | { kind: "realpath"; path: string }
  /** The path with every link resolved inside root, as in-root.ts does (keygen's argv). */
  | { kind: "in-root"; path: string; root: string }
  /** A symbolic link's target (readlink(2)); none for anything else or nothing there. */
  | { kind: "link"; path: string }
  /** The permission bits and owner of a file, or why there are none. */
  | ({ kind: "mode"; path: string } & Jailed)
  /** A spec file, or standard input as "-" (src/specfile/read.ts: its errors are thrown). */
  | { kind: "spec"; file: string }
  /**
   * Every spec of each directory, as the generator reads them (src/edge/generator-edge.ts); with
   * trust, a spec someone else could write is refused (src/specfile/trust.ts).
   */
  | { kind: "spec-dirs"; dirs: string[]; trust?: "system" | "user" }
  /**
   * A regular file's bytes, at most limit of them, but only if it and every directory above it
   * can be written by root alone (src/specfile/trust.ts, the system policy): what it holds
   * becomes units root runs.
   */
  | { kind: "root-file"; path: string; limit: number }
  /**
   * The same file as the generator's memo (src/generator/memo.ts): its first line, and the rest
   * read through once for its checksum and held open, so a replay writes its units from it
   * without holding megabytes (src/edge/apply-files.ts).
   */
  | { kind: "memo-file"; path: string; limit: number }
  /** `systemctl [scope] show UNITS --property=…` (systemctl(1)). */
  | { kind: "unit-state"; scope: string[]; units: string[]; properties: readonly string[] }
  /** `systemctl [scope] is-enabled UNITS`, which works offline (--root) too. */
  | { kind: "unit-enabled"; scope: string[]; units: string[] }
  /** A unit's own last journal lines (src/edge/journal.ts). */
  | { kind: "journal"; user: boolean; unit: string; lines: number }
  /** A command that only reads (ssh-keyscan); a missing tool is a SystemError (systemctl.ts). */
  | { kind: "run"; argv: string[] }
  /** A command run to see what it says; a missing tool is status 127, never an error. */
  | { kind: "probe"; argv: string[] }
  /** Whether a TCP port can be bound now: the only read that waits (Gatherer.gatherAsync). */
  | { kind: "port"; host: string; port: number };

export interface FileFact {
  text?: string;
  /** The permission bits of the file read (a backup keeps them). */
  mode?: number;
  error?: string;
  /** The errno code of a failed read (ELOOP: a link loop below --root). */
  code?: string;
}

/** A memo file, read through once and held open (its descriptor: closeHeld, generator-edge.ts). */
export interface HeldMemo {
  /** Its first line, without the newline; undefined when it has none. */
  header?: string;
  /** Where the bytes after that line start, and how many there are. */
  bodyStart: number;
  bodySize: number;
  /** Their checksum (src/checksum.ts), computed as they were read. */
  check: string;
  fd: number;
  /**
   * The bytes after the first line, when the whole memo came in its first read (up to 256 KiB,
   * about sixty units): the replay writes those very bytes, and reads nothing again.
   */
  body?: Uint8Array;
}

export interface DirFact {
  names?: string[];
  /** The errno code of a failed listing (ENOENT: missing), and its reason. */
  code?: string;
  error?: string;
}

/** The answer to each kind of query. */
export interface Answers {
  file: FileFact;
  dir: DirFact;
  exists: boolean;
  realpath: { path?: string; error?: string };
  "in-root": { path?: string; error?: string };
  link: { target?: string };
  mode: { mode?: number; uid?: number; gid?: number; error?: string };
  spec: SpecText;
  "spec-dirs": ReadResult;
  /** The bytes; or why not: missing (neither), refused (someone else could write it), error. */
  "root-file": { data?: Buffer; refused?: string; error?: string };
  /** The memo as read; or why not, as root-file says. */
  "memo-file": { memo?: HeldMemo; refused?: string; error?: string };
  "unit-state": RunResult & { argv: string[] };
  "unit-enabled": RunResult & { argv: string[] };
  journal: string[];
  run: RunResult;
  probe: { status: number; out: string };
  /** The errno code when the port cannot be bound (EADDRINUSE, EACCES), else free. */
  port: { code?: string; message?: string };
}

export type Answer<Q extends Query> = Answers[Q["kind"]];

/** Below --root DIR (root), read inside DIR: no link leads the read out of it (in-root.ts). */
export const fileQuery = (path: string, root?: string) =>
  ({ kind: "file", path, ...(root !== undefined && { root }) }) as const;
export const dirQuery = (path: string, root?: string) =>
  ({ kind: "dir", path, ...(root !== undefined && { root }) }) as const;

// Field order does not matter: the same query, however written, is one fact.
export const keyOf = (q: Query): string => JSON.stringify(q, Object.keys(q).sort());

/** What the gatherer found, looked up by the query that found it. */
export class Facts {
  private readonly answers = new Map<string, unknown>();

  constructor(pairs: Iterable<readonly [Query, unknown]> = []) {
    for (const [q, a] of pairs) this.answers.set(keyOf(q), a);
  }

  get<Q extends Query>(q: Q): Answer<Q> {
    const key = keyOf(q);
    // A planner asking for what it did not gather is a bug in the planner, not the machine.
    if (!this.answers.has(key)) throw new Error(`not gathered: ${key}`);
    return this.answers.get(key) as Answer<Q>;
  }

  /** These facts and more, as one. */
  with(more: Facts): Facts {
    const all = new Facts();
    for (const f of [this, more]) for (const [k, v] of f.answers) all.answers.set(k, v);
    return all;
  }
}

/** Performs queries: the edge (read.ts) with the file system and a Runner, or a test's fake. */
export interface Gatherer {
  gather(queries: readonly Query[]): Facts;
  /** The same, for queries that wait (port); doctor's only. */
  gatherAsync(queries: readonly Query[]): Promise<Facts>;
}
