// tunnelc generator install|uninstall [--user] [--root DIR] [--node PATH] [--bundle PATH] [--dry-run]
import { realpathSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { defineCommand, flag, text } from "./options.ts";
import { generatorScript, SCRIPT_MARKER } from "../generator/script.ts";
import { GENERATOR_NAME, generatorDir } from "../generator/locations.ts";
import { ensureDir, writeFileAtomic } from "../install/atomic-write.ts";
import { readIfExists } from "../install/read-units.ts";
import { reason } from "../specfile/read.ts";
import { SystemError } from "../errors.ts";
import type { Target } from "../install/paths.ts";
import { outcome, refused, type Outcome } from "./outcome.ts";

export interface GeneratorArgs {
  action: "install" | "uninstall";
  user: boolean;
  root?: string;
  node?: string;
  bundle?: string;
  dryRun: boolean;
}

/**
 * Below --root (a package) the paths are those of the packaged system, not of this machine: npm's
 * global prefix /usr, as Debian's and Arch's node packages use it. Live, the node and the
 * tunnelc running now.
 */
function paths(args: GeneratorArgs): { node: string; bundle: string } {
  if (args.root !== undefined)
    return {
      node: args.node ?? "/usr/bin/node",
      bundle: args.bundle ?? "/usr/lib/node_modules/tunnelc/bin/tunnelc.cjs",
    };
  return {
    node: args.node ?? process.execPath,
    bundle: args.bundle ?? realpathSync(process.argv[1] ?? ""),
  };
}

export function runGenerator(args: GeneratorArgs): Outcome {
  const target: Target = { user: args.user, ...(args.root !== undefined && { root: args.root }) };
  const dir = generatorDir(target);
  const path = join(dir, GENERATOR_NAME);
  const existing = readIfExists(path);
  const ours = existing === undefined || existing.includes(SCRIPT_MARKER);
  if (!ours)
    return refused(false, [], { notes: [`${path} was not written by tunnelc: left alone`] });
  const would = args.dryRun ? "would " : "";
  const reload = target.root === undefined ? ["run systemctl daemon-reload to apply it now"] : [];
  if (args.action === "uninstall") {
    if (existing === undefined) return outcome({ notes: [`${path} is not installed`] });
    if (!args.dryRun) remove(path);
    return outcome({ notes: [`${would}remove ${path}`, ...(args.dryRun ? [] : reload)] });
  }
  const script = generatorScript({ ...paths(args), user: args.user });
  if (existing === script) return outcome({ notes: [`unchanged ${path}`] });
  if (args.dryRun) return outcome({ stdout: script, notes: [`would write ${path}`] });
  try {
    ensureDir(dir);
    writeFileAtomic(path, script, { mode: 0o755 });
  } catch (e) {
    throw new SystemError(`cannot write ${path}: ${reason(e)}`);
  }
  return outcome({ notes: [`wrote ${path}`, ...reload] });
}

function remove(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    throw new SystemError(`cannot remove ${path}: ${reason(e)}`);
  }
}

export const generatorCommand = defineCommand<GeneratorArgs>({
  command: "generator <action>",
  describe:
    "Install or remove the systemd generator that turns /etc/tunnelc/*.json into units at boot",
  positionals: {
    action: {
      choices: ["install", "uninstall"] as const,
      demandOption: true,
      describe: "install or remove the generator",
    },
  },
  options: {
    user: flag("the user generator (each user's ~/.config/tunnelc)"),
    root: text("install below this directory, in usr/lib/systemd (packaging)"),
    node: text("node's absolute path on the target system"),
    bundle: text("tunnelc's bin/tunnelc.cjs on the target system"),
    "dry-run": flag("print the script, write nothing"),
  },
  examples: [
    ["$0 generator install", "/etc/systemd/system-generators/tunnelc-generator"],
    ['$0 generator install --root "$pkgdir"', "in a package's usr/lib"],
  ],
  run: runGenerator,
});
