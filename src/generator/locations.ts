// Where the generator reads specs, where systemd runs it from, and where it writes
// (systemd.generator(7) "Output directories"; docs/generator.md).
import type * as Os from "node:os";
import { lazyBuiltin } from "../builtin.ts";
import { join } from "node:path";
import type { Target } from "../install/paths.ts";

/**
 * System spec directories, highest priority first: a spec in /etc overrides one of the same
 * name in /run and /usr/lib, as unit files do (systemd.unit(5) "Unit File Load Path").
 */
export const SYSTEM_SPEC_DIRS = ["/etc/tunnelc", "/run/tunnelc", "/usr/lib/tunnelc"];

/** The generator's file name, in whichever generator directory it is installed. */
import { GENERATOR_NAME } from "../edge/generator-edge.ts";
export { GENERATOR_NAME };

/** What the generator reports about its last run, beside the units it wrote. */
export const STATUS_FILE = "tunnelc-generator.status";

export function specDirs(user: boolean, env: NodeJS.ProcessEnv = process.env): string[] {
  if (!user) return SYSTEM_SPEC_DIRS;
  return [join(env.XDG_CONFIG_HOME || join(env.HOME || os().homedir(), ".config"), "tunnelc")];
}

/**
 * Where systemd puts generators. Live: /etc (the administrator's directory). Below --root, for a
 * package: /usr/lib, the vendor directory (systemd.generator(7) lists both).
 */
export function generatorDir(t: Target): string {
  const kind = t.user ? "user-generators" : "system-generators";
  if (t.root !== undefined) return join(t.root, "usr/lib/systemd", kind);
  return join("/etc/systemd", kind);
}

/**
 * Where systemd looks for generators, highest priority first: of files with one name it runs
 * the first, and an empty one or a link to /dev/null masks the name (systemd.generator(7)). A
 * distribution's systemd searches one of /usr/lib and /lib (`systemd-path
 * systemd-search-system-generator`), the same directory where /usr is merged.
 */
export function generatorSearchPaths(user: boolean): string[] {
  const kind = user ? "user-generators" : "system-generators";
  return [
    "/run/systemd",
    "/etc/systemd",
    "/usr/local/lib/systemd",
    "/usr/lib/systemd",
    "/lib/systemd",
  ].map((d) => `${d}/${kind}/${GENERATOR_NAME}`);
}

/** The normal-dir systemd passes to the generator (systemd.generator(7), item 1). */
export function normalDir(t: Target, env: NodeJS.ProcessEnv = process.env): string {
  if (t.root !== undefined) return join(t.root, "run/systemd/generator");
  if (!t.user) return "/run/systemd/generator";
  const runtime = env.XDG_RUNTIME_DIR || `/run/user/${process.getuid?.() ?? 0}`;
  return join(runtime, "systemd/generator");
}

/** node:os, for the user scope's home only: the system generator never loads it (docs/performance.md). */
const os = lazyBuiltin<typeof Os>("node:os");
