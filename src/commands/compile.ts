// tunnelc compile SPEC... [-o DIR | -o -] [--json]
import { join, resolve } from "node:path";
import type { CommandModule } from "yargs";
import { compileSpecs } from "../render/pipeline.ts";
import { loadSpec } from "../specfile/read.ts";
import { execute } from "../plan/execute.ts";
import type { Effect } from "../plan/plan.ts";
import { processRunner } from "../install/systemctl.ts";
import { envelope } from "../envelope.ts";
import { ExitCode } from "../errors.ts";
import { outcome, type Outcome } from "./outcome.ts";
import { onlyOption, onlyUnits } from "./only.ts";
import type { CompiledUnit } from "../render/render-tunnel.ts";
import { someOf, jsonOption, withExamples } from "./options.ts";

export interface CompileArgs {
  specs: string[];
  only?: string;
  output: string;
  json: boolean;
}

export function runCompile(args: CompileArgs): Outcome {
  const all = compileSpecs(args.specs.map(loadSpec));
  const result = all.ok ? { ...all, units: onlyUnits(all.units, args.only) } : all;
  const diagnostics = result.diagnostics;
  if (!result.ok) {
    const stdout = args.json ? envelope(false, diagnostics, { units: [] }) : "";
    return outcome({ exitCode: ExitCode.spec, stdout, diagnostics: args.json ? [] : diagnostics });
  }
  const toStdout = args.output === "-";
  if (!toStdout) execute(unitWrites(args.output, result.units), processRunner);
  const units = result.units.map((u) =>
    unitReport(u, toStdout ? undefined : join(args.output, u.fileName), args.json && toStdout),
  );
  if (args.json) return outcome({ stdout: envelope(true, diagnostics, { units }) });
  const stdout = toStdout ? unitsToStdout(result.units) : "";
  const notes = toStdout ? [] : wroteNotes(args.output, result.units);
  return outcome({ stdout, diagnostics, notes });
}

/** One line per unit, or one line in all for a fleet (--json lists every unit). */
function wroteNotes(dir: string, units: CompiledUnit[]): string[] {
  if (units.length <= 20) return units.map((u) => `wrote ${join(dir, u.fileName)}`);
  return [`wrote ${units.length} units to ${dir}`];
}

/** The output directory, then each unit in it (fsync left to the OS: a build directory). */
function unitWrites(dir: string, units: CompiledUnit[]): Effect[] {
  const failure = `cannot write units to ${resolve(dir)}`;
  return [
    { kind: "mkdir", path: dir, failure },
    ...units.map((u): Effect => ({
      kind: "write",
      path: join(dir, u.fileName),
      text: u.text,
      mode: 0o644,
      durable: false,
      failure,
    })),
  ];
}

/** One unit as is; several separated by a comment line naming each file. */
function unitsToStdout(units: CompiledUnit[]): string {
  if (units.length === 1) return units[0]!.text;
  return units.map((u) => `### ${u.fileName}\n${u.text}`).join("\n");
}

function unitReport(
  u: CompiledUnit,
  path: string | undefined,
  withText: boolean,
): Record<string, unknown> {
  return {
    name: u.name,
    file: u.fileName,
    scope: u.scope,
    spec: u.source.specName,
    ...(path !== undefined && { path }),
    ...(withText && { text: u.text }),
  };
}

export const compileCommand = (run: (o: Outcome) => void): CommandModule<object, CompileArgs> => ({
  command: "compile <specs..>",
  describe: "Compile tunnel specs into systemd .service units",
  builder: (y) =>
    withExamples(
      y
        .positional("specs", someOf("spec files (- for stdin)"))
        .option("output", {
          alias: "o",
          type: "string",
          default: "-",
          describe: "directory to write units to, or - for stdout",
        })
        .option("json", jsonOption)
        .option("only", onlyOption),
      [
        ["$0 compile home.json -o /etc/systemd/system", "write home.service"],
        ["$0 compile fleet.json --only pi-kitchen -o /etc/systemd/system", "one device of a fleet"],
        ['$0 compile fleet.json -o "$pkgdir/usr/lib/systemd/system"', "package the units"],
        ["$0 compile home.json", "print the unit"],
      ],
    ) as never,
  handler: (args) => run(runCompile(args)),
});
