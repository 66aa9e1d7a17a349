// The generator's run around its compile: what it reads (the specs, the system's units, its
// memo of an earlier run) and what it does with the result (the files, the log). Apart from the
// compiler (src/generator/compile-run.ts), so that a boot which replays its memo loads no
// compiler at all: dist/generator.cjs is this, dist/generator-compile.cjs the compiler
// (bin/tunnelc.cjs, docs/generator.md "Speed").
import { resolve } from "node:path";
import type * as Os from "node:os";
import { lazyBuiltin } from "../builtin.ts";
import type { Edge } from "../edge/edge.ts";
import type { Gatherer } from "../edge/query.ts";
import {
  closeHeld,
  tagged,
  writeJournalStream,
  writeKmsg,
  type Line,
} from "../edge/generator-edge.ts";
import { applyFiles } from "../edge/apply-files.ts";
import { generationEffects } from "../generator/effects.ts";
import { normalDir, specDirs } from "../generator/locations.ts";
import {
  KEPT_MEMO,
  MAX_MEMO_BYTES,
  memoKey,
  replayOfHeld,
  type Replay,
} from "../generator/memo.ts";
import type { GenerationRun } from "../generator/run.ts";
import { BUILD_ID } from "../build-id.ts";
import { UsageError } from "../errors.ts";
import { outcome, type Outcome } from "./outcome.ts";
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
  /**
   * The command line that runs this tunnelc (node and bin/tunnelc.cjs), which the keeper's unit
   * runs; not an option: this process's own, unless a test gives one.
   */
  self?: string[];
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

/** Reads what the run depends on, and the kept memo, judged against that. */
export function gatherRun(
  args: GenerateArgs,
  { gatherer }: Pick<Edge, "gatherer">,
  env: NodeJS.ProcessEnv,
): GenerationRun {
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
  const unitDirs = user ? userUnitDirs(env, env.HOME || os().homedir()) : SYSTEM_UNIT_DIRS;
  // The system generator's memo of an earlier run (src/generator/memo.ts): the user generator
  // has none, and a dry run shows what compiling gives. systemd passes absolute directories;
  // a relative one (a run by hand) goes without.
  const memoOn = !user && !args.dryRun && (dirs[0] ?? "").startsWith("/");
  const kept = {
    kind: "memo-file",
    path: env.TUNNELC_KEPT_MEMO || KEPT_MEMO,
    limit: MAX_MEMO_BYTES,
  } as const;
  const facts = gatherer.gather([q, ...unitDirQueries(unitDirs), ...(memoOn ? [kept] : [])]);
  const read = facts.get(q);
  const run: GenerationRun = {
    user,
    normalDir: dirs[0] ?? normalDir({ user }, env),
    read,
    systemUnits: unitNamesOf(facts, unitDirs),
    memoLines: [],
  };
  if (!memoOn) return run;
  const self = args.self ?? [process.execPath, process.argv[1] ?? ""];
  const key = memoKey({
    build: BUILD_ID,
    normalDir: run.normalDir,
    keeper: self,
    dirs: read.dirs,
    readProblems: read.problems,
  });
  const memo = facts.get(kept);
  const why = memo.refused ?? memo.error;
  if (why !== undefined)
    run.memoLines.push({
      level: 4,
      text: `${kept.path}: ${why}; not used, the specs are compiled`,
    });
  const replay = replayOfHeld(memo.memo, key, run.normalDir, run.systemUnits);
  run.memo = { key, self, held: memo.memo?.fd, ...(replay !== undefined && { replay }) };
  return run;
}

/**
 * A run as the generator makes it: read, then the kept memo's files when it is this run's, else
 * what compile gives (the compiler is the caller's: dist/generator.cjs loads its own bundle for
 * it only then), written and logged.
 */
export async function generateWith(
  args: GenerateArgs,
  edge: Pick<Edge, "gatherer">,
  env: NodeJS.ProcessEnv,
  compile: () => (run: GenerationRun) => Replay,
): Promise<Outcome> {
  const run = gatherRun(args, edge, env);
  try {
    return await finishRun(run, run.memo?.replay ?? compile()(run), edge, env);
  } finally {
    closeHeld(run.memo?.held);
  }
}

/** Writes what the run compiled or replayed, and logs its lines. */
async function finishRun(
  run: GenerationRun,
  out: Replay,
  { gatherer }: Pick<Edge, "gatherer">,
  env: NodeJS.ProcessEnv,
): Promise<Outcome> {
  // Files only: the file applier, without the executor's Runner (child_process) in the bundle.
  applyFiles(generationEffects(out));
  const lines = [...out.lines, ...run.memoLines];
  const logged = lines.length === 0 || (!run.user && (await logSystem(lines, env, gatherer)));
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

/** node:os, for the user scope's home only: the system generator never loads it (docs/performance.md). */
const os = lazyBuiltin<typeof Os>("node:os");
