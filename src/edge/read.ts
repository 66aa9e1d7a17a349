// The one gatherer: answers a command's queries (query.ts) with the file system, the spec reader
// (src/specfile/read.ts) and the injectable Runner, the one thing that runs systemctl and
// journalctl, beside the one executor (execute.ts) that makes changes. Reads only.
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  readdirSync,
  readSync,
  readlinkSync,
  realpathSync,
  statSync,
  type Stats,
} from "node:fs";
import type * as Net from "node:net";
import { lazyBuiltin } from "../builtin.ts";
import { loadSpec, readOwnBytes, reason } from "../specfile/read.ts";
import { PathTrust } from "../specfile/trusted-path.ts";
import { journalArgv } from "./journal.ts";
import { readSpecDirs } from "./generator-edge.ts";
import { trustFor, untrusted } from "../specfile/trust.ts";
import { processRunner, type Runner } from "./systemctl.ts";
import { inRoot } from "./in-root.ts";
import { Facts, keyOf, type Answer, type Answers, type Gatherer, type Query } from "./query.ts";
import { checksumOf } from "../checksum.ts";

export { processRunner, type Runner };

const errnoOf = (e: unknown) => (e as NodeJS.ErrnoException).code;

function answer(q: Exclude<Query, { kind: "port" }>, runner: Runner): Answer<typeof q> {
  switch (q.kind) {
    case "file":
      try {
        return readText(jailed(q, true), q.root !== undefined);
      } catch (e) {
        const code = errnoOf(e);
        return code === "ENOENT" ? {} : { error: reason(e), ...(code !== undefined && { code }) };
      }
    case "dir":
      try {
        return { names: readdirSync(jailed(q, true)).sort() };
      } catch (e) {
        return { code: errnoOf(e) ?? "", error: reason(e) };
      }
    case "exists":
      try {
        return existsSync(jailed(q, true));
      } catch {
        return false;
      }
    case "realpath":
      try {
        return { path: realpathSync(q.path) };
      } catch (e) {
        return { error: reason(e) };
      }
    case "in-root":
      try {
        return { path: inRoot(q.root, q.path, true) };
      } catch (e) {
        return { error: reason(e) };
      }
    case "link":
      try {
        return { target: readlinkSync(q.path) };
      } catch {
        return {};
      }
    case "mode":
      try {
        const st = statSync(jailed(q, true));
        return { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
      } catch (e) {
        return { error: reason(e) };
      }
    case "spec":
      return loadSpec(q.file);
    case "spec-dirs":
      return readSpecDirs(q.dirs, q.trust && trustFor(q.trust));
    case "root-file":
      return rootFile(q.path, q.limit);
    case "memo-file":
      return memoFile(q.path, q.limit);
    case "unit-state": {
      const argv = [
        "systemctl",
        ...q.scope,
        "show",
        ...q.units,
        `--property=${q.properties.join(",")}`,
      ];
      return { argv, ...runner.run(argv) };
    }
    case "unit-enabled": {
      const argv = ["systemctl", ...q.scope, "is-enabled", ...q.units];
      return { argv, ...runner.run(argv) };
    }
    case "journal": {
      const r = runner.run(journalArgv(q.user, q.unit, q.lines));
      const text = r.status === 0 ? r.stdout.trim() : "";
      return text === "" ? [] : text.split("\n");
    }
    case "run":
      return runner.run(q.argv);
    case "probe":
      try {
        const r = runner.run(q.argv);
        return { status: r.status, out: `${r.stdout}${r.stderr}` };
      } catch {
        return { status: 127, out: "" };
      }
  }
}

/**
 * The file, opened without following a link at its end, and judged on the stat of what was
 * read; the directories above it first (PathTrust), so none can be swapped in between. Never
 * more than limit bytes read: a file that is larger (a sparse one, one that grows) is refused.
 */
function rootFile(path: string, limit: number): Answers["root-file"] {
  return withRootFile(path, limit, (fd, st) => {
    const data = readOwnBytes(fd, st.size, limit);
    return data !== undefined ? { data } : { refused: `refused: larger than ${limit} bytes` };
  });
}

/**
 * The file opened as rootFile opens it, and judged the same way, for `read` to read; closed
 * after, unless `read` keeps it (hold).
 */
function withRootFile<A extends object>(
  path: string,
  limit: number,
  read: (fd: number, st: Stats, hold: () => void) => A,
): A | { refused?: string; error?: string } {
  const policy = trustFor("system");
  const above = new PathTrust(policy).problem(path);
  if (above !== undefined) return { refused: above };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (e) {
    return errnoOf(e) === "ENOENT" ? {} : { error: reason(e) };
  }
  let held = false;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { refused: "refused: not a regular file" };
    const owner = untrusted(path, "file", st, policy);
    if (owner !== undefined) return { refused: owner };
    if (st.size > limit) return { refused: `refused: larger than ${limit} bytes` };
    return read(fd, st, () => (held = true));
  } catch (e) {
    return { error: reason(e) };
  } finally {
    if (!held) closeSync(fd);
  }
}

/** The most of a memo read at once: see memoFile. */
const MEMO_CHUNK = 256 * 1024;

/**
 * The memo's first line, and the checksum of the rest, read in chunks through one buffer and
 * held open for the replay to read its units from again. Read whole into a buffer of its size,
 * the page faults of that fresh memory cost a boot more than all the rest of a replay (12 ms of
 * 4 MB against 2 ms for two passes through 256 KiB: docs/performance.md). The open file is the
 * one whose sum was taken, whatever is renamed over its path meanwhile (the keeper renames). A
 * memo that fits in one read (up to 256 KiB, about sixty units) is not read again: its bytes are
 * kept.
 */
function memoFile(path: string, limit: number): Answers["memo-file"] {
  return withRootFile(path, limit, (fd, st, hold) => {
    // No more than the file: a small memo's read faults in no more fresh pages than it fills.
    const buf = Buffer.allocUnsafe(Math.min(MEMO_CHUNK, st.size + 1));
    const head: Buffer[] = [];
    let at = 0;
    let bodyStart = -1;
    let sum: ReturnType<typeof checksumOf> | undefined;
    let reads = 0;
    for (;;) {
      const got = readSync(fd, buf, 0, Math.min(buf.length, limit + 1 - at), at);
      if (got === 0) break;
      reads++;
      let chunk = buf.subarray(0, got);
      if (bodyStart < 0) {
        const nl = chunk.indexOf(0x0a);
        head.push(Buffer.from(chunk.subarray(0, nl < 0 ? got : nl)));
        if (nl >= 0) {
          bodyStart = at + nl + 1;
          sum = checksumOf(st.size - bodyStart);
          chunk = chunk.subarray(nl + 1);
        }
      }
      sum?.update(chunk);
      at += got;
      if (at > limit) return { refused: `refused: larger than ${limit} bytes` };
    }
    hold();
    // No first line (sum is made when it ends): nothing a replay could use.
    if (sum === undefined) return { memo: { bodyStart: at, bodySize: 0, check: "", fd } };
    const header = Buffer.concat(head).toString("utf8");
    const memo = { header, bodyStart, bodySize: at - bodyStart, check: sum.digest(), fd };
    // All of it came in one read, so the buffer holds it still: the bytes summed, kept for the
    // replay to write (a second read would have reused the buffer).
    return reads === 1 ? { memo: { ...memo, body: buf.subarray(bodyStart, at) } } : { memo };
  });
}

/** The path to read: below --root, resolved inside it (in-root.ts); else as it is. */
function jailed(q: { path: string; root?: string }, follow: boolean): string {
  return q.root === undefined ? q.path : inRoot(q.root, q.path, follow);
}

/**
 * A file's text and mode. Opened non-blocking and checked with fstat before a byte is read: only
 * a regular file is read; anything else that is not a directory (a /dev/null mask, a FIFO, which
 * would block, a device such as /dev/zero, which never ends) reads as empty, as /dev/null does,
 * and so is never a tunnelc unit. Below --root with O_NOFOLLOW too, so that a link made after
 * inRoot resolved the path is refused rather than followed out of the tree (open(2)).
 */
function readText(path: string, noFollow: boolean): { text: string; mode: number } {
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (noFollow ? constants.O_NOFOLLOW : 0);
  const fd = openSync(path, flags);
  try {
    const st = fstatSync(fd);
    const mode = st.mode & 0o7777;
    if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    return { text: st.isFile() ? readFileSync(fd, "utf8") : "", mode };
  } finally {
    closeSync(fd);
  }
}

/** Loaded by the first port probe (doctor's): no other command binds a port. */
const net = lazyBuiltin<typeof Net>("node:net");

/** Whether a port can be bound now: listen, then close at once. */
function bindable(host: string, port: number): Promise<Answer<{ kind: "port" } & Query>> {
  return new Promise((resolve) => {
    const server = net().createServer();
    server.once("error", (e: NodeJS.ErrnoException) =>
      resolve({ ...(e.code !== undefined && { code: e.code }), message: e.message }),
    );
    server.listen(port, host, () => server.close(() => resolve({})));
  });
}

/** A query asked twice (two tunnels, one account) is answered once. */
const once = (queries: readonly Query[]): Query[] => [
  ...new Map(queries.map((q) => [keyOf(q), q])).values(),
];

/** The edge's gatherer, over the real file system and this Runner. */
export function gathererFor(runner: Runner = processRunner): Gatherer {
  const sync = (queries: readonly Query[]) =>
    new Facts(
      once(queries).map((q) => {
        if (q.kind === "port") throw new Error("a port query waits: use gatherAsync");
        return [q, answer(q, runner)] as const;
      }),
    );
  return {
    gather: sync,
    async gatherAsync(queries) {
      // Once each port too: a second bind of the same port at the same moment would find it
      // held by the first.
      const ports = once(queries).filter((q) => q.kind === "port");
      const waited = await Promise.all(ports.map((q) => bindable(q.host, q.port)));
      return sync(queries.filter((q) => q.kind !== "port")).with(
        new Facts(ports.map((q, i) => [q, waited[i]] as const)),
      );
    },
  };
}
