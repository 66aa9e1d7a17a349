// Before tunnelc writes units into a directory (install, compile -o): what is there already under
// each unit's name, and which unit of that name the manager has elsewhere. Two rounds of queries,
// then a pure decision:
// - a link of that name in the directory is someone's alias or mask (systemd.unit(5): an alias is
//   a symlink; systemctl(1) mask links to /dev/null): never replaced, --force or not;
// - a unit of that name in another directory of the manager's search path that tunnelc did not
//   write (src/install/ownership.ts) is a unit the system has: writing ours would shadow it, or be
//   shadowed by it (systemd.unit(5) "Unit File Load Path"). A tunnel named ssh must never replace
//   OpenSSH's ssh.service: the name is refused, and the tunnel must be renamed;
// - a unit of that name that tunnelc wrote elsewhere (a package's tunnel in usr/lib) is only a
//   warning when the copy is made.
// Regular files of that name in the directory itself are the caller's (planInstall's foreign-unit
// refusal and --force; compile -o refuses them).
import { join, resolve } from "node:path";
import { ownershipOf } from "./ownership.ts";
import { dirQuery, fileQuery } from "../edge/query.ts";
import { existingUnit, rootUnitDirs, userUnitDirs } from "./search-path.ts";
import type { Facts, Query } from "../edge/query.ts";
import type { Refusal } from "../edge/plan.ts";

const realpathQuery = (path: string) => ({ kind: "realpath", path }) as const;
const linkQuery = (path: string) => ({ kind: "link", path }) as const;

export interface Guard {
  /** The directory the units go to. */
  dir: string;
  /** The unit file names to write there. */
  fileNames: string[];
  /** The manager's unit directories when dir is one of them (itself included), else empty. */
  searchPath: string[];
  /** Under --root: no read of a unit's text follows a link out of it (src/edge/in-root.ts). */
  root?: string;
}

/**
 * The search path of the manager whose unit directory dir is: the live system's or user's, or
 * that of the tree below a root when dir is ROOT plus one of systemd's unit directories
 * (compile -o "$pkgdir/usr/lib/systemd/system"). Empty for any other directory (a build dir).
 */
export function searchPathOf(dir: string, env: NodeJS.ProcessEnv, home: string): string[] {
  const abs = resolve(dir);
  const user = userUnitDirs(env, home);
  if (user.includes(abs)) return user;
  for (const isUser of [false, true]) {
    for (const d of rootUnitDirs("/", isUser)) {
      if (abs === d) return rootUnitDirs("/", isUser);
      if (abs.endsWith(d)) return rootUnitDirs(abs.slice(0, abs.length - d.length), isUser);
    }
  }
  return [];
}

/** Round one: the directory's entries, each search directory's, and where each really is. */
export function guardQueries(g: Guard): Query[] {
  return [
    dirQuery(g.dir),
    realpathQuery(g.dir),
    ...g.searchPath.flatMap((d) => [dirQuery(d), realpathQuery(d)]),
  ];
}

/**
 * The other directories of the search path, once each: not dir itself, nor another name of it
 * (/lib/systemd/system is /usr/lib/systemd/system on a merged /usr), nor a second name of one
 * already kept.
 */
function others(g: Guard, facts: Facts): string[] {
  const real = (d: string) => facts.get(realpathQuery(d)).path ?? resolve(d);
  const seen = new Set([real(g.dir)]);
  return g.searchPath.filter((d) => {
    const r = real(d);
    if (seen.has(r)) return false;
    seen.add(r);
    return true;
  });
}

interface Found {
  here: string[];
  elsewhere: Map<string, string>;
}

function found(g: Guard, facts: Facts): Found {
  const listed = new Set(facts.get(dirQuery(g.dir)).names ?? []);
  const dirs = others(g, facts);
  const names = new Map(dirs.map((d) => [d, new Set(facts.get(dirQuery(d)).names ?? [])]));
  const elsewhere = new Map<string, string>();
  for (const f of g.fileNames) {
    const path = existingUnit(f, names);
    if (path !== undefined) elsewhere.set(f, path);
  }
  return { here: g.fileNames.filter((f) => listed.has(f)), elsewhere };
}

/** Round two: whether each entry of a unit's name is a link, and each unit elsewhere's header. */
export function guardDetailQueries(g: Guard, facts: Facts): Query[] {
  const f = found(g, facts);
  return [
    ...f.here.map((n) => linkQuery(join(g.dir, n))),
    ...[...f.elsewhere.values()].map((p) => fileQuery(p, g.root)),
  ];
}

export interface GuardFindings {
  refusals: Refusal[];
  /** Units tunnelc wrote elsewhere under the same name, by file name: the path of each. */
  ownedElsewhere: Map<string, string>;
}

export function guardFindings(g: Guard, facts: Facts): GuardFindings {
  const f = found(g, facts);
  const refusals: Refusal[] = [];
  const ownedElsewhere = new Map<string, string>();
  for (const unit of f.here) {
    const path = join(g.dir, unit);
    const target = facts.get(linkQuery(path)).target;
    if (target !== undefined)
      refusals.push({
        code: "install/foreign-link",
        unit,
        path,
        message: `${path} is a link to ${target} (an alias or a mask) that tunnelc did not make; refusing to replace it: rename the tunnel`,
      });
  }
  for (const [unit, path] of f.elsewhere) {
    // A unit that cannot be read (a link out of --root) is not known to be tunnelc's: refused.
    const text = facts.get(fileQuery(path, g.root)).text;
    if (text !== undefined && ownershipOf(text).owned) {
      ownedElsewhere.set(unit, path);
      continue;
    }
    refusals.push({
      code: "install/name-taken",
      unit,
      path,
      message: `${path} exists: a tunnel named ${unit.replace(/\.service$/, "")} in ${g.dir} would take the name of that unit (systemd loads one unit file per name); refusing: rename the tunnel`,
    });
  }
  return { refusals, ownedElsewhere };
}
