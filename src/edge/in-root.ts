// --root is a jail. Every read of a file to be replaced and every write, mkdir, chmod, removal and
// link below --root DIR goes through inRoot (the gatherer, src/edge/read.ts, and the file
// applier, src/edge/apply-files.ts; keygen's ssh-keygen path through the gatherer too): the path
// is resolved one component at a time with lstat, as openat2(2) resolves it with
// RESOLVE_BENEATH. A relative link that stays inside DIR is followed; an absolute link, or a
// ".." that would climb above DIR, is refused (EXDEV), as is a loop (ELOOP).
//
// Why refuse rather than read an absolute link relative to DIR (RESOLVE_IN_ROOT): the next step
// is `systemctl --root=DIR enable`, and systemd 252 follows a link such as
// DIR/etc/systemd/system -> /elsewhere out of DIR, making its .wants links in /elsewhere. A link
// tunnelc accepts is one the kernel, systemctl and the booted machine all follow to the same place.
// Node has no openat2, so this is a check of the tree as it is at that moment; DIR is meant to be
// a tree only the packager writes to, not one a hostile user changes while tunnelc runs.
import { lstatSync, readlinkSync, realpathSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";

/** Linux's own limit on links followed in one path resolution (path_resolution(7)). */
const MAX_LINKS = 40;

/** An errno-like error, reported by reason() (src/specfile/read.ts) with its message. */
function errno(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/**
 * Where `path` (a path below `root`, as `join(root, …)` made it) is, with every link in it
 * resolved beneath `root`. The last component is resolved only with `follow` (a read, a mkdir, a
 * chmod); without it (a write by rename, a removal, a new link) a link there is what is replaced.
 * What does not exist yet is kept as written. Throws EXDEV for a link that leads out, ELOOP for
 * a loop.
 */
export function inRoot(root: string, path: string, follow: boolean): string {
  const top = realRoot(root);
  // The path as given below DIR, or as resolved already below DIR's own real path.
  const rel = [resolve(root), top]
    .map((r) => relative(r, resolve(path)))
    .find((r) => !(r === ".." || r.startsWith("../") || isAbsolute(r)));
  if (rel === undefined) throw errno("EXDEV", `${path} is not below --root ${root}`);
  const todo = rel.split("/").filter((c) => c !== "" && c !== ".");
  const done: string[] = [];
  let links = 0;
  let missing = false;
  while (todo.length > 0) {
    const c = todo.shift()!;
    if (c === "..") {
      if (done.length === 0)
        throw errno("EXDEV", `${path}: a link's ".." climbs above --root ${root}; ${BENEATH}`);
      done.pop();
      continue;
    }
    if (missing || (todo.length === 0 && !follow)) {
      done.push(c);
      continue;
    }
    const at = join(top, ...done, c);
    let link: string | undefined;
    try {
      if (lstatSync(at).isSymbolicLink()) link = readlinkSync(at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      missing = true;
    }
    if (link === undefined) {
      done.push(c);
      continue;
    }
    if (++links > MAX_LINKS)
      throw errno("ELOOP", `${path}: too many levels of symbolic links (a link loop)`);
    if (isAbsolute(link))
      throw errno(
        "EXDEV",
        `${join(root, ...done, c)} is a symbolic link to ${JSON.stringify(link)}, an absolute path; ${BENEATH}`,
      );
    todo.unshift(...link.split("/").filter((p) => p !== "" && p !== "."));
  }
  return join(top, ...done);
}

const BENEATH =
  "below --root tunnelc follows only relative links that stay inside it (openat2(2) RESOLVE_BENEATH): make the link relative, or remove it";

/** DIR itself is the administrator's to choose: a link there is followed, as a shell would. */
function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return resolve(root);
  }
}
