// The executor's file side: makes directories, writes, sets modes, removes and links, in order.
// Only node:fs and the atomic-write helpers, no Runner, so the generator's bundle, which applies
// its plan here, does not load child_process. execute.ts delegates every file effect to it.
import {
  chmodSync,
  closeSync,
  fchmodSync,
  openSync,
  readSync,
  rmSync,
  symlinkSync,
  writeSync,
} from "node:fs";
import { closeStaging, ensureDir, openStaging, writeAll, writeFileAtomic } from "./atomic-write.ts";
import { SystemError } from "../errors.ts";
import { reason } from "../specfile/read.ts";
import { inRoot } from "./in-root.ts";
import type { FileEffect, FileRange, InPlaceText } from "./plan.ts";

/**
 * Applies file effects one at a time. A staging directory is cleared of a crashed run's
 * leftovers before its first use and removed by close(), once its files are in place; a failed
 * write leaves it, empty, for the next run to clear.
 */
export class FileApplier {
  private readonly staged = new Set<string>();
  /** What writes in place share: the held memo's window (RangeReader), the umask. */
  private readonly inPlace = new InPlace();

  apply(e: FileEffect): void {
    try {
      const j = jailed(e);
      if (j.kind === "write" && j.atomic !== false && j.staging !== undefined)
        if (!this.staged.has(j.staging)) this.staged.add(openStaging(j.staging));
      perform(j, this.inPlace);
    } catch (err) {
      if (err instanceof SystemError) throw err;
      throw new SystemError(`${e.failure ?? `${FAILURE[e.kind]} ${e.path}`}: ${reason(err)}`);
    }
  }

  close(): void {
    for (const dir of this.staged) closeStaging(dir);
    this.staged.clear();
  }
}

/** Every effect in order; the first failure stops the rest as a SystemError. */
export function applyFiles(effects: readonly FileEffect[]): void {
  const files = new FileApplier();
  for (const e of effects) files.apply(e);
  files.close();
}

const FAILURE = {
  mkdir: "cannot create",
  chmod: "cannot set the mode of",
  write: "cannot write",
  remove: "cannot remove",
  link: "cannot link",
};

/**
 * The effect with its paths resolved inside --root (in-root.ts), the one place every write below
 * it goes through. A write (a rename), a removal or a link replaces a link at its last
 * component; a mkdir and a chmod follow it, inside the root.
 */
function jailed(e: FileEffect): FileEffect {
  if (e.root === undefined) return e;
  const at = (path: string, follow: boolean) => inRoot(e.root!, path, follow);
  switch (e.kind) {
    case "write":
      if (e.atomic === false) return { ...e, path: at(e.path, true) };
      return {
        ...e,
        path: at(e.path, false),
        ...(e.staging !== undefined && { staging: at(e.staging, true) }),
      };
    case "mkdir":
    case "chmod":
      return { ...e, path: at(e.path, true) };
    case "remove":
    case "link":
      return { ...e, path: at(e.path, false) };
  }
}

function perform(e: FileEffect, inPlace: InPlace): void {
  if (e.kind === "write") {
    if (e.atomic === false) inPlace.write(e.path, e.text, e.mode);
    else
      writeFileAtomic(e.path, e.text, {
        mode: e.mode,
        durable: e.durable,
        ...(e.staging !== undefined && { stagingDir: e.staging }),
        ...(e.owner !== undefined && { owner: e.owner }),
      });
  } else if (e.kind === "link") link(e.target, e.path);
  else if (e.kind === "mkdir" && e.mode === undefined) ensureDir(e.path);
  else if (e.kind === "mkdir") {
    ensureDir(e.path, e.mode!);
    chmodSync(e.path, e.mode!);
  } else if (e.kind === "chmod") chmodSync(e.path, e.mode);
  else rmSync(e.path, { force: true });
}

/**
 * writeFileSync's open, write, close, without the Buffer it makes of a string first: writeSync
 * writes a string as it is, and a generator run writes a thousand units (or their bytes, as
 * its memo holds them). One per applier: the umask is asked once a run, and the memo's window
 * is never read from after its descriptor may have been closed and reused.
 */
class InPlace {
  private readonly ranges = new RangeReader();
  private mask: number | undefined;

  write(path: string, text: InPlaceText, mode: number): void {
    // A new file has its mode less the umask (open(2)); one there already, the mode it had.
    const created = openNew(path, mode);
    const fd = created ?? openSync(path, "w", mode);
    try {
      // Exactly this mode, whatever the umask or a file a manual run left (the status file:
      // 0600): set unless the file is new and the umask took nothing from it (systemd runs
      // generators under 0022; a thousand units, a thousand calls fewer).
      if (created === undefined || (this.umask() & mode) !== 0) fchmodSync(fd, mode);
      if (typeof text === "string" || text instanceof Uint8Array) writeAll(fd, text);
      else if (isRange(text)) this.ranges.copy(text, fd);
      else for (const part of text) writeAll(fd, part);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * The process's umask: process.umask() without an argument is deprecated, so it is set to 0022
   * and at once back to what that call returned.
   */
  private umask(): number {
    if (this.mask === undefined) {
      this.mask = process.umask(0o022);
      process.umask(this.mask);
    }
    return this.mask;
  }
}

/** The file, created (O_EXCL); undefined when something is there already. */
function openNew(path: string, mode: number): number | undefined {
  try {
    return openSync(path, "wx", mode);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return undefined;
    throw e;
  }
}

const isRange = (t: InPlaceText): t is FileRange =>
  typeof t === "object" && !(t instanceof Uint8Array) && !Array.isArray(t);

/**
 * Ranges of a held file, written out: a replayed memo's units, one after the other. It reads
 * the file a window at a time through one buffer and writes each unit from it, so a thousand
 * units cost a few reads, not a thousand, and no buffer of the memo's size: reading a memo of
 * megabytes whole cost more than the rest of a replay, in the page faults of its fresh memory
 * (docs/performance.md). One per applier, so a descriptor closed and reused since is never
 * read from an old window.
 */
class RangeReader {
  private buf: Buffer | undefined;
  private fd = -1;
  private start = 0;
  private end = 0;

  copy(r: FileRange, out: number): void {
    const buf = (this.buf ??= Buffer.allocUnsafe(WINDOW));
    for (let at = r.offset, left = r.size; left > 0;) {
      if (this.fd !== r.fd || at < this.start || at >= this.end) this.fill(r.fd, at);
      const from = at - this.start;
      const n = Math.min(left, this.end - at);
      for (let w = 0; w < n;) w += writeSync(out, buf, from + w, n - w);
      at += n;
      left -= n;
    }
  }

  /** The window at `at`: pread(2), so the held file's offset never moves. */
  private fill(fd: number, at: number): void {
    const got = readSync(fd, this.buf!, 0, this.buf!.length, at);
    if (got === 0) throw new Error("the memo ended before the files it holds");
    [this.fd, this.start, this.end] = [fd, at, at + got];
  }
}

const WINDOW = 256 * 1024;

/** A link, replacing what is there (a manual run may reuse an output directory). */
function link(target: string, path: string): void {
  try {
    symlinkSync(target, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    rmSync(path, { force: true });
    symlinkSync(target, path);
  }
}
