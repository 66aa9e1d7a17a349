// Atomic file writes: a temp file, fsync, rename over the target, fsync the directory. A reader
// (systemd) sees the old file or the new one, never half of one. The temp file lives in a
// staging directory beside the unit directory (same file system, so rename stays atomic), so
// that a process killed mid-write leaves nothing in the unit directory itself; the next run
// clears what such a crash left in staging.
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type * as Crypto from "node:crypto";
import { lazyBuiltin } from "../builtin.ts";
import { failpoint } from "./failpoint.ts";

export interface WriteOptions {
  mode: number;
  /** Where the temp file is made; the target's own directory when not given. */
  stagingDir?: string;
  /**
   * fsync the file and its directory, so the new unit survives a power cut. install does; compile
   * into a build directory leaves that to the OS (1,000 fsyncs were 40% of a fleet compile).
   */
  durable?: boolean;
  /** The file's owner and group (chown(2)); else the writer's. */
  owner?: { uid: number; gid: number };
}

const TEMP = /^\..+\.[0-9a-f]{12}\.tmp$/;

export function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  { mode, stagingDir, durable = true, owner }: WriteOptions,
): void {
  const tmp = join(
    stagingDir ?? dirname(path),
    `.${basename(path)}.${loadCrypto().randomBytes(6).toString("hex")}.tmp`,
  );
  const fd = openSync(tmp, "wx", mode);
  try {
    // The owner first: chown(2) may clear the set-user-ID bit a mode sets.
    if (owner !== undefined) fchownSync(fd, owner.uid, owner.gid);
    fchmodSync(fd, mode); // exactly this mode, whatever the umask
    failpoint("write");
    writeAll(fd, data);
    failpoint("fsync");
    if (durable) fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  try {
    failpoint("after-temp");
    failpoint("rename");
    renameSync(tmp, path);
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
  failpoint("after-rename");
  if (durable) syncDir(dirname(path));
}

/**
 * mkdir -p, one component at a time below the deepest directory there already. Not mkdirSync's { recursive: true }: on a path in
 * a file system that refuses new directories with ENOENT, such as /proc, Node's loops forever
 * (seen with Node 20: `mkdirSync("/proc/x", { recursive: true })` never returns). A component
 * that exists but is not a directory fails with ENOTDIR naming it.
 */
export function ensureDir(dir: string, mode = 0o755): void {
  // That directory found by stat, upwards (the usual case: the whole path, or all but its last
  // part, as a generator's output and its .wants directory are): a walk down from "/" met EEXIST
  // at each level, an error made and thrown each time.
  const missing: string[] = [];
  for (let p = resolve(dir); p !== "/" && !isDir(p); p = dirname(p)) missing.unshift(p);
  for (const at of missing) {
    try {
      mkdirSync(at, { mode });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      if (!statSync(at).isDirectory())
        throw Object.assign(new Error(`${at} is not a directory`), { code: "ENOTDIR", path: at });
    }
  }
}

/** Whether path is a directory, or a link to one; false for anything else, or nothing there. */
function isDir(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch {
    return false;
  }
}

export function openStaging(dir: string): string {
  ensureDir(dir, 0o700);
  for (const f of readdirSync(dir)) if (TEMP.test(f)) unlinkSync(join(dir, f));
  return dir;
}

export function closeStaging(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Not empty or already gone: a later run clears it.
  }
}

function syncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * node:crypto, loaded at the first atomic write: the generator's bundle holds this module (through
 * src/edge/apply-files.ts) but writes in place, and loading node:crypto costs milliseconds at
 * every start under its V8 flags (docs/generator.md "Speed"). A require, not import(): the loader
 * in bin/ runs the bundle in a vm.Script, where a dynamic import() fails.
 */
const loadCrypto = lazyBuiltin<typeof Crypto>("node:crypto");

/** The whole text or bytes: a write may be short (write(2)); the rest, by bytes, then. */
export function writeAll(fd: number, data: string | Uint8Array): void {
  const written = typeof data === "string" ? writeSync(fd, data) : writeSync(fd, data);
  const total = typeof data === "string" ? Buffer.byteLength(data) : data.length;
  if (written >= total) return;
  const rest = (typeof data === "string" ? Buffer.from(data) : data).subarray(written);
  for (let done = 0; done < rest.length;) done += writeSync(fd, rest, done);
}
