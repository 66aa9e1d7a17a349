// The directories on the way to a spec, checked as sshd's safe_path() checks them (trust.ts):
// every directory entered from / to the file, and, for each symbolic link met on the way, every
// directory its target leads through. The file itself is checked by the reader, on the stat of
// the descriptor it reads (read.ts), so what is checked is what is read. A directory that passes
// can be changed only by the trusted owners, so no one else can swap a path that passed between
// this walk and the open that follows it.
import { lstatSync, readlinkSync } from "node:fs";
import { untrusted, type TrustPolicy } from "./trust.ts";

/** Symbolic links followed on one path before giving up, as the kernel's ELOOP (path_resolution(7)). */
const MAX_LINKS = 40;

export class PathTrust {
  /** A physical directory's verdict, once per run. */
  private readonly dirs = new Map<string, string | undefined>();

  constructor(readonly policy: TrustPolicy) {}

  /**
   * Why a directory on the way to path (or one a link on the way leads through) is not
   * trusted, or undefined. A missing part is not a problem here: there is nothing to read.
   */
  problem(path: string): string | undefined {
    const absolute = path.startsWith("/") ? path : `${process.cwd()}/${path}`;
    let todo = parts(absolute);
    let cur = "/";
    const root = this.dir("/");
    if (root !== undefined) return root;
    let links = 0;
    while (todo.length > 0) {
      const name = todo.shift()!;
      // cur is physical (every link on the way resolved), so its parent is the real one.
      if (name === "..") {
        cur = cur.slice(0, cur.lastIndexOf("/")) || "/";
        continue;
      }
      const next = cur === "/" ? `/${name}` : `${cur}/${name}`;
      if (this.dirs.has(next)) {
        const verdict = this.dirs.get(next);
        if (verdict !== undefined) return verdict;
        cur = next;
        continue;
      }
      let st;
      try {
        st = lstatSync(next);
      } catch {
        return undefined;
      }
      if (st.isSymbolicLink()) {
        if (++links > MAX_LINKS) return undefined;
        let target: string;
        try {
          target = readlinkSync(next);
        } catch {
          return undefined;
        }
        if (target.startsWith("/")) cur = "/";
        todo = [...parts(target), ...todo];
        continue;
      }
      if (!st.isDirectory()) return undefined;
      // The last part is the directory asked about (a spec directory) when no link leads on.
      const verdict = untrusted(next, "directory", st, this.policy, todo.length === 0);
      this.dirs.set(next, verdict);
      if (verdict !== undefined) return verdict;
      cur = next;
    }
    return undefined;
  }

  private dir(path: string): string | undefined {
    if (!this.dirs.has(path)) {
      let verdict: string | undefined;
      try {
        verdict = untrusted(path, "directory", lstatSync(path), this.policy);
      } catch {
        verdict = undefined;
      }
      this.dirs.set(path, verdict);
    }
    return this.dirs.get(path);
  }
}

const parts = (path: string) => path.split("/").filter((p) => p !== "" && p !== ".");
