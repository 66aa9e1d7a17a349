// tunnelc validate SPEC... [--json]
import { edgeOf, type Edge } from "../edge/edge.ts";
import { buildModel } from "../model/build-model.ts";

import { loadSpecs } from "./specs-arg.ts";
import { diagnosticJson, envelope } from "../envelope.ts";
import { ExitCode, hasErrors } from "../errors.ts";
import { outcome, type Outcome } from "./outcome.ts";
import { someOf, jsonOption, defineCommand } from "./options.ts";

export interface ValidateArgs {
  specs: string[];
  json: boolean;
}

export function runValidate(args: ValidateArgs, { gatherer }: Edge = edgeOf()): Outcome {
  const checked = buildModel(loadSpecs(args.specs, gatherer)).specs.map((c) => ({
    ...c,
    ok: !hasErrors(c.diagnostics),
  }));
  const failed = checked.some((c) => !c.ok);
  const exitCode = failed ? ExitCode.spec : ExitCode.ok;
  if (args.json) {
    const specs = checked.map((c) => ({
      file: c.file,
      ok: c.ok,
      tunnels: c.tunnels.map((t) => t.tunnel.name),
      diagnostics: c.diagnostics.map(diagnosticJson),
    }));
    const all = checked.flatMap((c) => c.diagnostics);
    return outcome({ exitCode, stdout: envelope(!failed, all, { specs }) });
  }
  const notes = checked
    .filter((c) => c.ok)
    .map(
      (c) =>
        `${c.file}: ok (${c.tunnels.length} tunnel${c.tunnels.length === 1 ? "" : "s"}${c.tunnels.length ? ": " + c.tunnels.map((t) => t.tunnel.name).join(", ") : ""})`,
    );
  return outcome({ exitCode, diagnostics: checked.flatMap((c) => c.diagnostics), notes });
}

export const validateCommand = defineCommand<ValidateArgs>({
  command: "validate <specs..>",
  describe: "Check tunnel specs and report every problem",
  positionals: { specs: someOf("spec files (- for stdin)") },
  options: { json: jsonOption },
  examples: [
    ["$0 validate home.json", "check one spec"],
    ["$0 validate --json /etc/tunnelc/*.json", "machine-readable report"],
  ],
  run: runValidate,
});
