// tunnelc compile SPEC... [-o DIR | -o -] [--json]
import { join, resolve } from "node:path";
import type { CommandModule } from "yargs";
import { compileSpecs, type CompiledUnit } from "../render/units.ts";
import { loadSpec } from "../specfile/read.ts";
import { ensureDir, writeFileAtomic } from "../install/atomic-write.ts";
import { diagnosticJson } from "../report.ts";
import { ExitCode, SystemError } from "../errors.ts";
import { json, outcome, type Outcome } from "./outcome.ts";
import { onlyOption, onlyUnits } from "./only.ts";
import { reason } from "../specfile/read.ts";

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
    const stdout = args.json
      ? json({ ok: false, units: [], diagnostics: diagnostics.map(diagnosticJson) })
      : "";
    return outcome({ exitCode: ExitCode.spec, stdout, diagnostics: args.json ? [] : diagnostics });
  }
  const toStdout = args.output === "-";
  if (!toStdout) writeUnits(args.output, result.units);
  const units = result.units.map((u) =>
    unitReport(u, toStdout ? undefined : join(args.output, u.fileName), args.json && toStdout),
  );
  if (args.json)
    return outcome({
      stdout: json({ ok: true, units, diagnostics: diagnostics.map(diagnosticJson) }),
    });
  const stdout = toStdout ? unitsToStdout(result.units) : "";
  const notes = toStdout ? [] : wroteNotes(args.output, result.units);
  return outcome({ stdout, diagnostics, notes });
}

/** One line per unit, or one line in all for a fleet (--json lists every unit). */
function wroteNotes(dir: string, units: CompiledUnit[]): string[] {
  if (units.length <= 20) return units.map((u) => `wrote ${join(dir, u.fileName)}`);
  return [`wrote ${units.length} units to ${dir}`];
}

function writeUnits(dir: string, units: CompiledUnit[]): void {
  try {
    ensureDir(dir);
    for (const u of units)
      writeFileAtomic(join(dir, u.fileName), u.text, { mode: 0o644, durable: false });
  } catch (e) {
    throw new SystemError(`cannot write units to ${resolve(dir)}: ${reason(e)}`);
  }
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

export const compileCommand = (run: (o: Outcome) => void): CommandModule<object, CompileArgs> => ({
  command: "compile <specs..>",
  describe: "Compile tunnel specs into systemd .service units",
  builder: (y) =>
    y
      .positional("specs", {
        type: "string",
        array: true,
        demandOption: true,
        describe: "spec files (- for stdin)",
      })
      .option("output", {
        alias: "o",
        type: "string",
        default: "-",
        describe: "directory to write units to, or - for stdout",
      })
      .option("json", {
        type: "boolean",
        default: false,
        describe: "print a JSON report on stdout",
      })
      .option("only", onlyOption)
      .example("$0 compile home.json -o /etc/systemd/system", "write home.service")
      .example(
        "$0 compile fleet.json --only pi-kitchen -o /etc/systemd/system",
        "one device of a fleet",
      )
      .example('$0 compile fleet.json -o "$pkgdir/usr/lib/systemd/system"', "package the units")
      .example("$0 compile home.json", "print the unit") as never,
  handler: (args) => run(runCompile(args)),
});
