// Paths systemd reads as paths itself: the ssh binary, the executable of ExecStart=. systemd
// takes it only as a valid path (path_is_valid(), systemd's src/basic/path-util.c): at most
// PATH_MAX - 1 = 4095 bytes, each name in it at most NAME_MAX = 255 bytes; and it must not name
// a directory ("Command … is not executable: Is a directory"). Otherwise the unit does not load
// ("Neither a valid executable name nor an absolute path"). The schema counts characters; these
// limits are bytes of UTF-8, so they are checked here. Pure.
import { Problems, type Problem } from "../specfile/problem.ts";
import type { Endpoint, Forward, SourcedTunnel } from "./tunnel.ts";

const PATH_MAX = 4095;
const NAME_MAX = 255;

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

/** Why systemd would not take `path` as an executable, or undefined. */
export function executableProblem(path: string): string | undefined {
  if (bytes(path) > PATH_MAX)
    return `is ${bytes(path)} bytes long; systemd takes a path of at most ${PATH_MAX}`;
  const long = path.split("/").find((name) => bytes(name) > NAME_MAX);
  if (long !== undefined)
    return `has a name of ${bytes(long)} bytes ("${long.slice(0, 16)}…"); a file name is at most ${NAME_MAX}`;
  if (/\/\.\.?$/.test(path)) return 'ends in "/." or "/..", which names a directory';
  return undefined;
}

/**
 * A unix socket path of a forward names one file, spelled one way: a "//", "." or ".." in it
 * would let a spec reach a socket outside the directory it seems to name, and no two spellings
 * of one socket could be told apart by the bind checks (path_is_normalized(), path-util.c).
 */
export function socketPathProblem(path: string): string | undefined {
  if (path.includes("//")) return 'has "//" in it';
  if (/\/\.\.?(?:\/|$)/.test(path)) return 'has a "." or ".." component';
  return undefined;
}

/** Each end of a forward with the spec field that wrote it: -R's bind is "remote", and so on. */
const endsOf = (f: Forward): [string, Endpoint][] =>
  f.kind === "dynamic"
    ? [[f.kind, f.bind]]
    : [
        [f.kind, f.bind],
        ["to", f.to],
      ];

export function checkPaths(file: string, tunnels: SourcedTunnel[]): Problem[] {
  const out = new Problems(file);
  // A fleet's tunnels share one or two ssh paths: each is judged once.
  const judged = new Map<string, string | undefined>();
  for (const { tunnel, pointer } of tunnels) {
    const path = tunnel.ssh.path;
    if (!judged.has(path)) judged.set(path, executableProblem(path));
    const why = judged.get(path);
    if (why !== undefined)
      out.add("error", "rule/ssh-path", `${pointer}/ssh/path`, `the ssh binary's path ${why}`);
    tunnel.forwards.forEach((f, i) => {
      for (const [field, e] of endsOf(f)) {
        const bad = e.kind === "unix" ? socketPathProblem(e.path) : undefined;
        if (bad !== undefined && e.kind === "unix")
          out.add(
            "error",
            "rule/socket-path",
            `${pointer}/forwards/${i}/${field}`,
            `the socket path ${JSON.stringify(e.path)} ${bad}: write it as one plain absolute path`,
          );
      }
    });
  }
  return out.list;
}
