// The unit directories a manager loads units from (systemd.unit(5) "Unit File Load Path", the
// tables for the system and the user manager), and which of them already hold a unit of a name.
// A tunnel must never take the name of a unit the system has: a file of that name in a directory
// that ranks higher would replace it (the generator's output ranks above /usr/lib/systemd/system,
// /etc/systemd/system above everything a package ships). Pure: one `dir` query per directory (one
// readdir, not a stat per name) gathers what is there; the decision is made from those names.
import { join } from "node:path";
import { dirQuery, type Facts, type Query } from "../edge/query.ts";
import type { Target } from "./paths.ts";

/**
 * The system manager's directories, systemd.unit(5) Table 1, highest priority first, without
 * the generator output directories (/run/systemd/generator{.early,,.late}): those hold what
 * generators write on this run, tunnelc's own among them. /lib/systemd/system is where a system
 * without merged /usr (and Debian's systemd 252, built with rootprefix=/) keeps package units.
 */
export const SYSTEM_UNIT_DIRS = [
  "/etc/systemd/system.control",
  "/run/systemd/system.control",
  "/run/systemd/transient",
  "/etc/systemd/system",
  "/etc/systemd/system.attached",
  "/run/systemd/system",
  "/run/systemd/system.attached",
  "/usr/local/lib/systemd/system",
  "/usr/lib/systemd/system",
  "/lib/systemd/system",
];

/** The user manager's directories, systemd.unit(5) Table 2, without the generator's. */
export function userUnitDirs(env: NodeJS.ProcessEnv, home: string): string[] {
  const config = env.XDG_CONFIG_HOME || join(home, ".config");
  const data = env.XDG_DATA_HOME || join(home, ".local/share");
  const runtime = env.XDG_RUNTIME_DIR;
  const list = (v: string | undefined, dflt: string) =>
    (v || dflt).split(":").filter((d) => d.startsWith("/"));
  return [
    join(config, "systemd/user.control"),
    ...(runtime ? [join(runtime, "systemd/user.control"), join(runtime, "systemd/transient")] : []),
    join(config, "systemd/user"),
    ...list(env.XDG_CONFIG_DIRS, "/etc/xdg").map((d) => join(d, "systemd/user")),
    "/etc/systemd/user",
    ...(runtime ? [join(runtime, "systemd/user")] : []),
    "/run/systemd/user",
    join(data, "systemd/user"),
    ...list(env.XDG_DATA_DIRS, "/usr/local/share:/usr/share").map((d) => join(d, "systemd/user")),
    "/usr/local/lib/systemd/user",
    "/usr/lib/systemd/user",
    "/lib/systemd/user",
  ];
}

/** The directories below --root, for the tree being built (the system table, or the user one). */
export function rootUnitDirs(root: string, user: boolean): string[] {
  const dirs = user
    ? [
        "/etc/systemd/user",
        "/usr/local/lib/systemd/user",
        "/usr/lib/systemd/user",
        "/lib/systemd/user",
      ]
    : SYSTEM_UNIT_DIRS;
  return dirs.map((d) => join(root, d));
}

export function unitDirQueries(dirs: readonly string[]): Query[] {
  return dirs.map((d) => dirQuery(d));
}

/**
 * Each directory's entries as a set, from gathered facts; a directory that cannot be listed
 * (missing, or unreadable) holds nothing a manager could load either.
 */
export function unitNamesOf(facts: Facts, dirs: readonly string[]): Map<string, Set<string>> {
  return new Map(dirs.map((d) => [d, new Set(facts.get(dirQuery(d)).names ?? [])]));
}

/**
 * The unit file or alias link (systemd.unit(5): an alias is a symlink of another name) that has
 * this file name in the first directory that holds one, or undefined. Tunnel names have no "@"
 * (the schema's unitName), so no tunnel is a template's instance and only the name itself counts.
 */
export function existingUnit(
  fileName: string,
  names: ReadonlyMap<string, ReadonlySet<string>>,
): string | undefined {
  for (const [dir, set] of names) if (set.has(fileName)) return join(dir, fileName);
  return undefined;
}

/** The search path of a target's manager: the live system's or user's, or the tree's below --root. */
export function searchPathFor(t: Target, env: NodeJS.ProcessEnv, home: string): string[] {
  if (t.root !== undefined) return rootUnitDirs(t.root, t.user);
  return t.user ? userUnitDirs(env, home) : SYSTEM_UNIT_DIRS;
}
