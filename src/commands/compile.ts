// tunnelc compile SPEC... [-o DIR | -o -] [--json] [--preset FILE]
import { dirname, join, resolve } from "node:path";
import { compileSpecs, type CompiledUnit } from "../render/units.ts";
import { execute } from "../plan/execute.ts";
import type { Effect } from "../plan/plan.ts";
import { gathererFor, processRunner } from "../plan/read.ts";
import { loadSpecs } from "./specs-arg.ts";
import { envelope } from "../envelope.ts";
import { ExitCode, UsageError } from "../errors.ts";
import { outcome, type Outcome } from "./outcome.ts";
import { onlyOption, onlyUnits } from "./only.ts";
import { presetNameProblem, presetScopeProblem, renderPreset } from "../render/preset.ts";
import { text, someOf, jsonOption, defineCommand } from "./options.ts";

export interface CompileArgs {
  specs: string[];
  only?: string;
  output: string;
  json: boolean;
  preset?: string;
}

export function runCompile(args: CompileArgs): Outcome {
  const badPreset = args.preset === undefined ? undefined : presetNameProblem(args.preset);
  if (badPreset !== undefined) throw new UsageError(badPreset);
  const all = compileSpecs(loadSpecs(args.specs, gathererFor()));
  const result = all.ok ? { ...all, units: onlyUnits(all.units, args.only) } : all;
  const diagnostics = result.diagnostics;
  if (!result.ok) {
    const stdout = args.json ? envelope(false, diagnostics, { units: [] }) : "";
    return outcome({ exitCode: ExitCode.spec, stdout, diagnostics: args.json ? [] : diagnostics });
  }
  const mixed = args.preset === undefined ? undefined : presetScopeProblem(result.units);
  if (mixed !== undefined) throw new UsageError(mixed);
  const toStdout = args.output === "-";
  const writes = [
    ...(toStdout ? [] : unitWrites(args.output, result.units)),
    ...(args.preset === undefined ? [] : presetWrites(args.preset, result.units)),
  ];
  if (writes.length > 0) execute(writes, processRunner);
  const units = result.units.map((u) =>
    unitReport(u, toStdout ? undefined : join(args.output, u.fileName), args.json && toStdout),
  );
  if (args.json)
    return outcome({
      stdout: envelope(true, diagnostics, {
        units,
        ...(args.preset !== undefined && { preset: args.preset }),
      }),
    });
  const stdout = toStdout ? unitsToStdout(result.units) : "";
  const notes = [
    ...(toStdout ? [] : wroteNotes(args.output, result.units)),
    ...(args.preset === undefined ? [] : [`wrote ${args.preset}`]),
  ];
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

/** The preset file's directory, then the file (a build directory too). */
function presetWrites(path: string, units: CompiledUnit[]): Effect[] {
  const failure = `cannot write the preset file ${resolve(path)}`;
  return [
    { kind: "mkdir", path: dirname(path), failure },
    { kind: "write", path, text: renderPreset(units), mode: 0o644, durable: false, failure },
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
    spec: u.origin.specName,
    ...(path !== undefined && { path }),
    ...(withText && { text: u.text }),
  };
}

export const compileCommand = defineCommand<CompileArgs>({
  command: "compile <specs..>",
  describe: "Compile tunnel specs into systemd .service units",
  positionals: { specs: someOf("spec files (- for stdin)") },
  options: {
    output: {
      alias: "o",
      type: "string",
      default: "-",
      describe: "directory to write units to, or - for stdout",
    },
    json: jsonOption,
    only: onlyOption,
    preset: text("also write a systemd.preset(5) file (NAME.preset) enabling the tunnels"),
  },
  examples: [
    ["$0 compile home.json -o /etc/systemd/system", "write home.service"],
    ["$0 compile fleet.json --only pi-kitchen -o /etc/systemd/system", "one device of a fleet"],
    ['$0 compile fleet.json -o "$pkgdir/usr/lib/systemd/system"', "package the units"],
    ["$0 compile home.json -o units --preset 80-tunnelc.preset", "and enable it by preset"],
    ["$0 compile home.json", "print the unit"],
  ],
  run: runCompile,
});
