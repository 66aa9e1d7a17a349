// tunnelc generator install|uninstall [--user] [--root DIR] [--node PATH] [--bundle PATH] [--dry-run] [--json]
import { edgeOf, type Edge } from "../edge/edge.ts";
import { join } from "node:path";
import { defineCommand, flag, jsonOption, text } from "./options.ts";
import { envelope, problem } from "../envelope.ts";
import { generatorScript, SCRIPT_MARKER } from "../generator/script.ts";
import { GENERATOR_NAME, generatorDir } from "../generator/locations.ts";
import { fileQuery, textOf } from "../install/read-units.ts";
import { SystemError } from "../errors.ts";
import { execute } from "../edge/execute.ts";

import type { Gatherer } from "../edge/query.ts";
import type { Target } from "../install/paths.ts";
import { outcome, refused, type Outcome } from "./outcome.ts";

export interface GeneratorArgs {
  action: "install" | "uninstall";
  user: boolean;
  root?: string;
  node?: string;
  bundle?: string;
  dryRun: boolean;
  json: boolean;
}

/**
 * Below --root (a package) the paths are those of the packaged system, not of this machine: npm's
 * global prefix /usr, as Debian's and Arch's node packages use it. Live, the node and the
 * tunnelc running now.
 */
function paths(args: GeneratorArgs, gatherer: Gatherer): { node: string; bundle: string } {
  if (args.root !== undefined)
    return {
      node: args.node ?? "/usr/bin/node",
      bundle: args.bundle ?? "/usr/lib/node_modules/tunnelc/bin/tunnelc.cjs",
    };
  return { node: args.node ?? process.execPath, bundle: args.bundle ?? running(gatherer) };
}

/** The tunnelc running now, its links resolved. */
function running(gatherer: Gatherer): string {
  const q = { kind: "realpath", path: process.argv[1] ?? "" } as const;
  const found = gatherer.gather([q]).get(q);
  if (found.path === undefined) throw new SystemError(`cannot find ${q.path}: ${found.error}`);
  return found.path;
}

export function runGenerator(args: GeneratorArgs, edge: Edge = edgeOf()): Outcome {
  const { gatherer } = edge;
  const target: Target = { user: args.user, ...(args.root !== undefined && { root: args.root }) };
  const dir = generatorDir(target);
  const path = join(dir, GENERATOR_NAME);
  const { root } = target;
  const jail = root !== undefined ? { root } : {};
  const existing = textOf(gatherer.gather([fileQuery(path, root)]), path, root);
  const ours = existing === undefined || existing.includes(SCRIPT_MARKER);
  if (!ours) {
    const message = `${path} was not written by tunnelc: left alone`;
    return refused(args.json, [problem("generator/foreign", message, path)], { notes: [message] });
  }
  const would = args.dryRun ? "would " : "";
  const reload = target.root === undefined ? ["run systemctl daemon-reload to apply it now"] : [];
  // What was done, as --json reports it and as the notes say it.
  const report = (
    done: "write" | "remove" | "unchanged" | "absent",
    notes: string[],
    stdout = "",
  ) =>
    args.json
      ? outcome({ stdout: envelope(true, [], { action: done, path, dryRun: args.dryRun }) })
      : outcome({ stdout, notes });
  if (args.action === "uninstall") {
    if (existing === undefined) return report("absent", [`${path} is not installed`]);
    if (!args.dryRun) execute([{ kind: "remove", path, ...jail }], edge.runner);
    return report("remove", [`${would}remove ${path}`, ...(args.dryRun ? [] : reload)]);
  }
  const script = generatorScript({ ...paths(args, gatherer), user: args.user });
  if (existing === script) return report("unchanged", [`unchanged ${path}`]);
  if (args.dryRun) return report("write", [`would write ${path}`], script);
  const failure = `cannot write ${path}`;
  execute(
    [
      { kind: "mkdir", path: dir, failure, ...jail },
      { kind: "write", path, text: script, mode: 0o755, durable: true, failure, ...jail },
    ],
    edge.runner,
  );
  return report("write", [`wrote ${path}`, ...reload]);
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
    json: jsonOption,
  },
  examples: [
    ["$0 generator install", "/etc/systemd/system-generators/tunnelc-generator"],
    ['$0 generator install --root "$pkgdir"', "in a package's usr/lib"],
  ],
  run: runGenerator,
});
