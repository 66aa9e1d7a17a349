// compile --root DIR: where the distribution wants a package's units, accounts and directories,
// as systemd's pkg-config file says (systemd.pc: `pkg-config --variable=systemdsystemunitdir
// systemd`, the variables systemd's own build defines, and which packages' build systems read),
// else systemd's defaults. The pkg-config answers are facts the gatherer gets (probe queries);
// which directory they make is decided here, purely.
import { join } from "node:path";
import type { Facts, Query } from "../edge/query.ts";

/** The directories compile --root writes below ROOT. */
export interface DistroDirs {
  systemUnits: string;
  userUnits: string;
  sysusers: string;
  tmpfiles: string;
}

/**
 * Each directory's systemd.pc variable and the default systemd installs it at when built with
 * prefix=/usr (meson.build: a merged-/usr system, as Arch, Fedora, openSUSE and Debian 13 are).
 * Debian 12's systemd.pc says /lib/systemd/system for system units, where its debhelper looks.
 */
export const DIRS: Readonly<Record<keyof DistroDirs, { variable: string; fallback: string }>> = {
  systemUnits: { variable: "systemdsystemunitdir", fallback: "/usr/lib/systemd/system" },
  userUnits: { variable: "systemduserunitdir", fallback: "/usr/lib/systemd/user" },
  sysusers: { variable: "sysusersdir", fallback: "/usr/lib/sysusers.d" },
  tmpfiles: { variable: "tmpfilesdir", fallback: "/usr/lib/tmpfiles.d" },
};

const KEYS = Object.keys(DIRS) as (keyof DistroDirs)[];

const pkgConfig = (variable: string): Query => ({
  kind: "probe",
  argv: ["pkg-config", `--variable=${variable}`, "systemd"],
});

/** The questions: one pkg-config call per directory (pkg-config answers one --variable). */
export const distroDirQueries = (): Query[] => KEYS.map((k) => pkgConfig(DIRS[k].variable));

/**
 * An answer is taken when pkg-config ran and printed one absolute path (without "..": it is
 * joined below ROOT); no pkg-config (status 127), no systemd.pc, or an empty variable (an older
 * systemd.pc without sysusersdir) gives the default.
 */
function answerOf(facts: Facts, variable: string): string | undefined {
  const a = facts.get(pkgConfig(variable)) as { status: number; out: string };
  const path = a.out.trim();
  if (a.status !== 0 || !/^\/[^\s]*$/.test(path) || /(^|\/)\.\.?(\/|$)/.test(path))
    return undefined;
  return path;
}

/** Each directory below ROOT, and the variables pkg-config did not answer (their defaults taken). */
export function distroDirs(root: string, facts: Facts): DistroDirs & { defaulted: string[] } {
  const out = {} as DistroDirs;
  const defaulted: string[] = [];
  for (const k of KEYS) {
    const said = answerOf(facts, DIRS[k].variable);
    out[k] = join(root, said ?? DIRS[k].fallback);
    if (said === undefined) defaulted.push(DIRS[k].variable);
  }
  return { ...out, defaulted };
}
