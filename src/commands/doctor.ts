// tunnelc doctor [SPEC...] [--user] [--json]: preflight checks before install, one line each.
import { edgeOf, type Edge } from "../edge/edge.ts";
import { basename } from "node:path";
import { buildModel } from "../model/build-model.ts";
import * as checks from "../doctor/checks.ts";
import { ExitCode, SpecError } from "../errors.ts";
import { envelope, problem } from "../envelope.ts";
import { outcome, type Outcome } from "./outcome.ts";
import type { Tunnel } from "../model/tunnel.ts";
import { flag, anyOf, jsonOption, defineCommand } from "./options.ts";

import { loadSpecs } from "./specs-arg.ts";

export interface DoctorArgs {
  specs?: string[];
  user: boolean;
  json: boolean;
}

/** Reads only: a Runner (behind the edge's gatherer) or a whole gatherer. */
export async function runDoctor(args: DoctorArgs, { gatherer }: Edge = edgeOf()): Promise<Outcome> {
  const given = args.specs ?? [];
  const model = buildModel(loadSpecs(given, gatherer));
  if (!model.ok) throw new SpecError(model.diagnostics);
  // Hints name the spec file as it was typed, found by the base name each tunnel records.
  const specFile = (t: Tunnel) => {
    const name = model.tunnels.find((m) => m.tunnel === t)?.specName;
    return given.find((f) => basename(f) === name) ?? name ?? "SPEC";
  };
  const input = { model, user: args.user, specFile };
  const first = await gatherer.gatherAsync(checks.doctorQueries(input));
  const facts = first.with(gatherer.gather(checks.followUpQueries(input, first)));
  return doctorReport(args, model.diagnostics, checks.doctorChecks(input, facts));
}

/** The report, from the checks. Pure. */
function doctorReport(
  args: DoctorArgs,
  diagnostics: Outcome["diagnostics"],
  all: checks.Check[],
): Outcome {
  const ok = all.every((c) => c.ok);
  const exitCode = ok ? ExitCode.ok : ExitCode.spec;
  if (args.json) {
    const failed = all.filter((c) => !c.ok).map((c) => problem(c.code, `${c.name}: ${c.detail}`));
    const stdout = envelope(ok, [...diagnostics, ...failed], { checks: all });
    return outcome({ exitCode, stdout });
  }
  const lines = all.flatMap((c) => [
    `${c.ok ? "✓" : "✗"} ${c.name}: ${c.detail}`,
    ...(c.hint && !c.ok ? [`    hint: ${c.hint}`] : []),
  ]);
  return outcome({ exitCode, stdout: lines.join("\n") + "\n" });
}

export const doctorCommand = defineCommand<DoctorArgs>({
  command: "doctor [specs..]",
  describe: "Check this machine (and the tunnels of SPECs) before installing",
  positionals: { specs: anyOf("spec files whose tunnels to check too") },
  options: { user: flag("also check what user units need"), json: jsonOption },
  examples: [
    ["$0 doctor", "the machine"],
    ["$0 doctor home.json", "the machine and home.json's tunnel"],
  ],
  run: runDoctor,
});
