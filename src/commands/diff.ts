// tunnelc diff SPEC... [--user] [--root DIR] [--exit-code]: installed units vs a fresh compile.
import { edgeOf, type Edge } from "../edge/edge.ts";
import { join } from "node:path";
import { compileSpecs } from "../render/units.ts";
import { textOf } from "../install/read-units.ts";
import { fileQuery } from "../edge/query.ts";

import { loadSpecs } from "./specs-arg.ts";
import { targetOf, unitDir } from "../install/paths.ts";
import { unitDiff } from "../install/diff.ts";
import { ExitCode, SpecError } from "../errors.ts";
import { envelope } from "../envelope.ts";
import { outcome, type Outcome } from "./outcome.ts";
import { scopeOptions } from "./install.ts";
import { flag, someOf, defineCommand } from "./options.ts";

export interface DiffArgs {
  specs: string[];
  user: boolean;
  root?: string;
  json: boolean;
  exitCode: boolean;
}

export function runDiff(args: DiffArgs, { gatherer }: Edge = edgeOf()): Outcome {
  const result = compileSpecs(loadSpecs(args.specs, gatherer));
  if (!result.ok) throw new SpecError(result.diagnostics);
  const { root } = targetOf(args);
  const dir = unitDir(targetOf(args));
  const facts = gatherer.gather(result.units.map((u) => fileQuery(join(dir, u.fileName), root)));
  const units = result.units.map((u) => {
    const path = join(dir, u.fileName);
    const installed = textOf(facts, path, root);
    const state =
      installed === undefined ? "not-installed" : installed === u.text ? "same" : "differs";
    return { unit: u.fileName, path, state, diff: unitDiff(path, installed, u.text) };
  });
  const differs = units.some((u) => u.state !== "same");
  const exitCode = args.exitCode && differs ? ExitCode.differs : ExitCode.ok;
  if (args.json)
    return outcome({
      exitCode,
      stdout: envelope(true, result.diagnostics, {
        differs,
        units: units.map((u) => (u.state === "same" ? { ...u, diff: "" } : u)),
      }),
    });
  const text = units
    .map((u) =>
      u.state === "same"
        ? `${u.unit}: no differences\n`
        : u.state === "not-installed"
          ? `${u.unit}: not installed\n${u.diff}`
          : u.diff,
    )
    .join("");
  return outcome({ exitCode, stdout: text, diagnostics: result.diagnostics });
}

export const diffCommand = defineCommand<DiffArgs>({
  command: "diff <specs..>",
  describe: "Show how installed units differ from a fresh compile of their specs",
  positionals: { specs: someOf("spec files whose units to compare (- for stdin)") },
  options: { ...scopeOptions, "exit-code": flag("exit 4 when anything differs") },
  examples: [["$0 diff home.json", "what install would change"]],
  run: runDiff,
});
