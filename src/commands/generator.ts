// tunnelc generator install|uninstall [--user] [--root DIR] [--node PATH] [--bundle PATH] [--dry-run] [--json]
// tunnelc generator keep [--from DIR] [--dry-run] [--json]
import { edgeOf, type Edge } from "../edge/edge.ts";
import { dirname, join, resolve } from "node:path";
import { defineCommand, flag, jsonOption, text } from "./options.ts";
import { envelope, problem } from "../envelope.ts";
import { generatorScript, notRunnable, SCRIPT_MARKER } from "../generator/script.ts";
import { modeQuery } from "../install/identity-check.ts";
import { GENERATOR_NAME, generatorDir, normalDir } from "../generator/locations.ts";
import { KEPT_MEMO, MAX_MEMO_BYTES, MEMO_FILE, replayOf } from "../generator/memo.ts";
import { textOf } from "../install/read-units.ts";
import { fileQuery } from "../edge/query.ts";
import { SystemError, UsageError } from "../errors.ts";
import { execute } from "../edge/execute.ts";

import type { Gatherer } from "../edge/query.ts";
import type { Target } from "../install/paths.ts";
import { outcome, refused, type Outcome } from "./outcome.ts";

export interface GeneratorArgs {
  action: "install" | "uninstall" | "keep";
  /** keep: the normal-dir the generator wrote its memo into. */
  from?: string;
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

const KERNEL_RELEASE = "/proc/sys/kernel/osrelease";

/**
 * The paths, and live the kernel that will run the #! line (src/generator/script.ts): a live
 * generator must name a node and a tunnelc that are there, or no boot would generate a tunnel.
 * Below --root they are the packaged system's, not this machine's, and its kernel is unknown.
 */
function live(args: GeneratorArgs, gatherer: Gatherer) {
  const p = paths(args, gatherer);
  if (args.root !== undefined) return p;
  const node = modeQuery(p.node);
  const bundle = modeQuery(p.bundle);
  const kernel = fileQuery(KERNEL_RELEASE);
  const facts = gatherer.gather([node, bundle, kernel]);
  const gone = notRunnable(p, facts.get(node).mode, facts.get(bundle).mode);
  if (gone !== undefined)
    throw new UsageError(
      `--${gone.what} ${gone.path}: ${gone.why}: the generator would not run at the next boot`,
    );
  const release = facts.get(kernel).text?.trim();
  return { ...p, ...(release ? { kernel: release } : {}) };
}

/** The tunnelc running now, its links resolved. */
function running(gatherer: Gatherer): string {
  const q = { kind: "realpath", path: process.argv[1] ?? "" } as const;
  const found = gatherer.gather([q]).get(q);
  if (found.path === undefined) throw new SystemError(`cannot find ${q.path}: ${found.error}`);
  return found.path;
}

export function runGenerator(
  args: GeneratorArgs,
  edge: Edge = edgeOf(),
  env: NodeJS.ProcessEnv = process.env,
): Outcome {
  if (args.action === "keep") return keep(args, edge, env);
  if (args.from !== undefined) throw new UsageError("--from is keep's option");
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
  const script = generatorScript({ ...live(args, gatherer), user: args.user });
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

/**
 * keep: the system generator's memo of its last run (src/generator/memo.ts), copied from its
 * normal-dir to /var/cache/tunnelc for the next boot; what the keeper unit runs. Only a memo that
 * root alone could have written, of the form the generator writes, is kept: the next boot
 * writes what it says as units.
 */
function keep(args: GeneratorArgs, { gatherer, runner }: Edge, env: NodeJS.ProcessEnv): Outcome {
  for (const [given, name] of [
    [args.user, "--user"],
    [args.root !== undefined, "--root"],
    [args.node !== undefined, "--node"],
    [args.bundle !== undefined, "--bundle"],
  ] as const)
    if (given) throw new UsageError(`generator keep takes no ${name}`);
  const from = resolve(args.from ?? normalDir({ user: false }, env));
  const limit = MAX_MEMO_BYTES;
  const source = { kind: "root-file", path: join(from, MEMO_FILE), limit } as const;
  const path = env.TUNNELC_KEPT_MEMO || KEPT_MEMO;
  const target = { kind: "root-file", path, limit } as const;
  const facts = gatherer.gather([source, target]);
  const memo = facts.get(source);
  const report = (done: "write" | "unchanged" | "absent", notes: string[]) =>
    args.json
      ? outcome({ stdout: envelope(true, [], { action: done, path, dryRun: args.dryRun }) })
      : outcome({ notes });
  const why = memo.refused ?? memo.error;
  if (why !== undefined)
    return refused(args.json, [problem("generator/memo", `${source.path}: ${why}`, source.path)], {
      notes: [`${source.path}: ${why}; not kept`],
    });
  if (memo.data === undefined) return report("absent", [`no ${source.path}: nothing to keep`]);
  if (replayOf(memo.data, undefined, from) === undefined) {
    const message = `${source.path} is not a memo this tunnelc-generator writes: not kept`;
    return refused(args.json, [problem("generator/memo", message, source.path)], {
      notes: [message],
    });
  }
  if (facts.get(target).data?.equals(memo.data) === true)
    return report("unchanged", [`unchanged ${path}`]);
  if (args.dryRun) return report("write", [`would write ${path}`]);
  const failure = `cannot write ${path}`;
  execute(
    [
      { kind: "mkdir", path: dirname(path), mode: 0o700, failure },
      { kind: "write", path, text: memo.data, mode: 0o600, durable: true, failure },
    ],
    runner,
  );
  return report("write", [`wrote ${path}`]);
}

export const generatorCommand = defineCommand<GeneratorArgs>({
  command: "generator <action>",
  describe:
    "Install or remove the systemd generator that turns /etc/tunnelc/*.json into units at boot, or keep its memo for the next boot",
  positionals: {
    action: {
      choices: ["install", "uninstall", "keep"] as const,
      demandOption: true,
      describe: "install, uninstall, or keep its memo",
    },
  },
  options: {
    user: flag("the user generator (each user's ~/.config/tunnelc)"),
    root: text("install below this directory, in usr/lib/systemd (packaging)"),
    node: text("node's absolute path on the target system"),
    bundle: text("tunnelc's bin/tunnelc.cjs on the target system"),
    from: text("keep: the generator's output directory (default /run/systemd/generator)"),
    "dry-run": flag("print the script, write nothing"),
    json: jsonOption,
  },
  examples: [
    ["$0 generator install", "/etc/systemd/system-generators/tunnelc-generator"],
    ['$0 generator install --root "$pkgdir"', "in a package's usr/lib"],
    ["$0 generator keep", "after a daemon-reload: the next boot replays, not compiles"],
  ],
  run: runGenerator,
});
