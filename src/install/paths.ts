// Where units and specs live (systemd.unit(5) "Unit File Load Path"), for system and user
// managers, and below --root for packaging.
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";

export interface Target {
  /** A user manager (systemctl --user), or the system manager. */
  user: boolean;
  /** Offline: write below this directory and enable with `systemctl --root=DIR`. */
  root?: string;
}

/** The target of --user and --root, built the same way for every command. */
export function targetOf(args: { user?: boolean; root?: string | undefined }): Target {
  return { user: args.user ?? false, ...(args.root !== undefined && { root: args.root }) };
}

export function unitDir(t: Target, env: NodeJS.ProcessEnv = process.env): string {
  if (t.root !== undefined) return join(t.root, t.user ? "etc/systemd/user" : "etc/systemd/system");
  if (!t.user) return "/etc/systemd/system";
  return join(configHome(env), "systemd", "user");
}

/**
 * Where specs are found when none is named. Below --root they belong to the tree being built,
 * never to this machine: DIR/etc/tunnelc, and DIR/etc/tunnelc/user for the user units that
 * --root --user writes for every user (etc/systemd/user beside etc/systemd/system).
 */
/**
 * Where packages put system units (systemd.unit(5): /usr/lib/systemd/system), which a unit of
 * the same name in /etc/systemd/system overrides; user units have no such pair here.
 */
export function vendorUnitDir(t: Target): string | undefined {
  if (t.user) return undefined;
  return join(t.root ?? "/", "usr/lib/systemd/system");
}

export function defaultSpecDir(t: Target, env: NodeJS.ProcessEnv = process.env): string {
  if (t.root !== undefined) return join(t.root, t.user ? "etc/tunnelc/user" : "etc/tunnelc");
  return t.user ? join(configHome(env), "tunnelc") : "/etc/tunnelc";
}

export function configHome(env: NodeJS.ProcessEnv): string {
  return env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
}

/**
 * systemctl's leading arguments for a target. `systemctl --root=` takes a relative path as it
 * is, but then fails to find the links it has just made ("…wants/X.service does not exist"):
 * hand it an absolute one.
 */
export function systemctlScope(t: Target): string[] {
  if (t.root !== undefined) return [`--root=${resolve(t.root)}`, ...(t.user ? ["--global"] : [])];
  return t.user ? ["--user"] : [];
}

/** The staging directory for a unit directory (atomic-write.ts): its sibling, private to root. */
export function stagingDirFor(dir: string): string {
  return join(dirname(dir), ".tunnelc-staging");
}
