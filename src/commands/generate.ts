// tunnelc generate [NORMAL_DIR [EARLY_DIR LATE_DIR]] [--user] [--dry-run] [--json] [--spec-dir DIR]...
// What the installed generator runs (docs/generator.md), and its dry run for debugging.
import { edgeOf, type Edge } from "../edge/edge.ts";
import { resolve } from "node:path";
import { defineCommand, flag, anyOf, repeat } from "./options.ts";
import { generationEffects, planGeneration, type GenerationPlan } from "../generator/plan.ts";
import { problemLines } from "../generator/log-lines.ts";
import { tagged, writeJournalStream, writeKmsg, type Line } from "../edge/generator-edge.ts";
import { applyFiles } from "../edge/apply-files.ts";
import { normalDir, specDirs } from "../generator/locations.ts";
import { envelope } from "../envelope.ts";
import { ExitCode, UsageError, hasErrors } from "../errors.ts";
import { outcome, type Outcome } from "./outcome.ts";

import type { Gatherer } from "../edge/query.ts";
import { homedir } from "node:os";
import {
  SYSTEM_UNIT_DIRS,
  unitDirQueries,
  unitNamesOf,
  userUnitDirs,
} from "../install/search-path.ts";

export interface GenerateArgs {
  dirs?: string[];
  user: boolean;
  dryRun: boolean;
  json: boolean;
  /** Repeatable (options.ts `repeat`), highest priority first. */
  specDir?: string[];
}

/**
 * The --spec-dir directories, made absolute: the units carry them in SourcePath=, which systemd
 * ignores unless absolute (systemd.unit(5)). A directory that is not there, or not a directory,
 * is a usage error: a generator reading nothing would report success.
 */
const WHY: Readonly<Record<string, string>> = {
  ENOENT: "no such directory",
  ENOTDIR: "not a directory",
  EACCES: "permission denied",
};

function givenDirs(dirs: readonly string[], gatherer: Gatherer): string[] {
  const absolute = dirs.map((d) => resolve(d));
  const queries = absolute.map((path) => ({ kind: "dir", path }) as const);
  const facts = gatherer.gather(queries);
  const problems = queries.flatMap((q, i) => {
    const f = facts.get(q);
    if (f.names !== undefined) return [];
    const why = WHY[f.code ?? ""] ?? f.error ?? "cannot be listed";
    return [`--spec-dir ${dirs[i]}: ${why}`];
  });
  if (problems.length > 0) throw new UsageError(problems.join("\ntunnelc: "));
  return absolute;
}

export async function runGenerate(
  args: GenerateArgs,
  { gatherer }: Edge = edgeOf(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<Outcome> {
  const dirs = args.dirs ?? [];
  if (dirs.length > 3) throw new UsageError("generate takes at most three directories");
  if (dirs.length === 0 && !args.dryRun)
    throw new UsageError("name the output directory (systemd passes three) or use --dry-run");
  // systemd.generator(7) $SYSTEMD_SCOPE: the user manager says so itself.
  const user = args.user || env.SYSTEMD_SCOPE === "user";
  const given = givenDirs(args.specDir ?? [], gatherer);
  // The directories it finds by itself are checked for who may write them; those named with
  // --spec-dir are the caller's choice, as a spec named on the command line is.
  const q =
    given.length > 0
      ? ({ kind: "spec-dirs", dirs: given } as const)
      : ({
          kind: "spec-dirs",
          dirs: specDirs(user, env),
          trust: user ? "user" : "system",
        } as const);
  // The units the manager has besides the generators' output: one listing per directory.
  const unitDirs = user ? userUnitDirs(env, env.HOME || homedir()) : SYSTEM_UNIT_DIRS;
  const facts = gatherer.gather([q, ...unitDirQueries(unitDirs)]);
  const read = facts.get(q);
  const plan = planGeneration(read.dirs, {
    user,
    normalDir: dirs[0] ?? normalDir({ user }, env),
    readProblems: read.problems,
    systemUnits: unitNamesOf(facts, unitDirs),
  });
  if (args.dryRun) return dryRun(plan, args.json);
  // Files only: the file applier, without the executor's Runner (child_process) in the bundle.
  applyFiles(generationEffects(plan));
  const lines = problemLines(plan.problems, plan.specs);
  const logged = lines.length === 0 || (!user && (await logSystem(lines, env, gatherer)));
  // Exit 0 whatever the specs say: a generator's failure helps nobody at boot; the problems are
  // in the journal, in the units that report them, and in tunnelc status.
  return outcome({ notes: logged ? [] : lines.map(tagged) });
}

/**
 * The system generator logs to the kernel log (journald imports it), else, in a container
 * without one, to journald's stream socket once journald runs; the user manager sends a
 * generator's stderr to the journal itself, so the caller falls back to stderr.
 */
async function logSystem(
  lines: Line[],
  env: NodeJS.ProcessEnv,
  gatherer: Gatherer,
): Promise<boolean> {
  if (writeKmsg(lines, env.TUNNELC_KMSG || "/dev/kmsg")) return true;
  const socket = {
    kind: "exists",
    path: env.TUNNELC_JOURNAL_STREAM || "/run/systemd/journal/stdout",
  } as const;
  return gatherer.gather([socket]).get(socket) && (await writeJournalStream(lines, socket.path));
}

function dryRun(plan: GenerationPlan, asJson: boolean): Outcome {
  const exitCode = hasErrors(plan.problems) ? ExitCode.spec : ExitCode.ok;
  if (asJson)
    return outcome({
      exitCode,
      stdout: envelope(exitCode === ExitCode.ok, plan.problems, {
        dryRun: true,
        files: plan.files,
        links: plan.links,
        specs: plan.specs,
      }),
    });
  const stdout = [
    ...plan.files.map((f) => `### ${f.path}\n${f.text}`),
    ...plan.links.map((l) => `### ${l.path} -> ${l.target}\n`),
  ].join("\n");
  return outcome({ exitCode, stdout, diagnostics: plan.problems });
}

export const generateCommand = defineCommand<GenerateArgs>({
  command: "generate [dirs..]",
  describe: "Generate units from the spec directories, as systemd's generator (docs/generator.md)",
  positionals: { dirs: anyOf("the normal, early and late output dirs") },
  options: {
    user: flag("the user generator: ~/.config/tunnelc (also when $SYSTEMD_SCOPE is user)"),
    "dry-run": flag("print what would be written, write nothing"),
    json: flag("with --dry-run: JSON on stdout"),
    "spec-dir": repeat("read specs from this directory (repeat: highest priority first)"),
  },
  examples: [
    ["$0 generate --dry-run", "what the generator would write now"],
    ["$0 generate /tmp/out", "run it by hand into a directory"],
  ],
  run: runGenerate,
});
