// tunnelc generate [NORMAL_DIR [EARLY_DIR LATE_DIR]] [--user] [--dry-run] [--json] [--spec-dir DIR]...
// What the installed generator runs (docs/generator.md), and its dry run for debugging: the
// run's reads and writes (generate-run.ts) around the compile (src/generator/compile-run.ts),
// which a memo of an earlier run stands in for when it is this run's.
import { edgeOf, type Edge } from "../edge/edge.ts";
import { defineCommand, flag, anyOf, repeat } from "./options.ts";
import type { GenerationPlan } from "../generator/plan.ts";
import { compileRun, planOf } from "../generator/compile-run.ts";
import { envelope } from "../envelope.ts";
import { ExitCode, hasErrors } from "../errors.ts";
import { outcome, type Outcome } from "./outcome.ts";
import { gatherRun, generateWith, type GenerateArgs } from "./generate-run.ts";

export type { GenerateArgs };

export async function runGenerate(
  args: GenerateArgs,
  edge: Edge = edgeOf(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<Outcome> {
  if (args.dryRun) return dryRun(planOf(gatherRun(args, edge, env)), args.json);
  return generateWith(args, edge, env, () => compileRun);
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
