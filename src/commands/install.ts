// tunnelc install [SPEC...] [--enable] [--now] [--user] [--root DIR] [--dry-run] [--force]
import type { Argv, CommandModule } from "yargs";
import { compileSpecs } from "../render/pipeline.ts";
import { loadSpec } from "../specfile/read.ts";
import { planInstall, type FileAction, type InstallPlan } from "../install/plan.ts";
import { applyCommands, applyFiles, type StartFailure } from "../install/apply.ts";
import { startFailure } from "../install/start-failure.ts";
import { readExisting } from "../install/read-units.ts";
import { unitDir, vendorUnitDir, type Target } from "../install/paths.ts";
import { lingerWarning } from "../install/linger.ts";
import { identityWarnings } from "../install/identity-check.ts";
import { nssWarning } from "../install/nss-check.ts";
import { processRunner, type Runner } from "../install/systemctl.ts";
import { diagnosticJson } from "../report.ts";
import { UsageError } from "../errors.ts";
import { json, outcome, refused, type Outcome } from "./outcome.ts";
import { onlyOption, onlyUnits } from "./only.ts";
import { specFiles } from "./specs-arg.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CompiledUnit } from "../render/render-tunnel.ts";

export interface InstallArgs {
  specs?: string[];
  only?: string;
  enable: boolean;
  now: boolean;
  user: boolean;
  root?: string;
  dryRun: boolean;
  force: boolean;
  specDir?: string;
  json: boolean;
}

export function runInstall(args: InstallArgs, runner: Runner = processRunner): Outcome {
  const target: Target = { user: args.user, ...(args.root !== undefined && { root: args.root }) };
  if (args.now && target.root !== undefined)
    throw new UsageError("--now needs a running manager; with --root only --enable applies");
  const { files: specs, dir: specDir } = specFiles(args.specs, target, args.specDir);
  if (specs.length === 0) return outcome({ notes: [`no specs in ${specDir}: nothing to install`] });
  const result = compileSpecs(specs.map(loadSpec));
  if (!result.ok)
    return refused(args.json, result.diagnostics.map(diagnosticJson), {
      diagnostics: result.diagnostics,
    });
  result.units = onlyUnits(result.units, args.only);
  const misplaced = wrongScope(result.units, target);
  if (misplaced.length > 0) return refused(args.json, misplaced, { notes: misplaced });
  const dir = unitDir(target);
  const existing = readExisting(result.units.map((u) => join(dir, u.fileName)));
  const plan = planInstall(result.units, existing, dir, target, args);
  const refusals = plan.refusals.map((r) => r.message);
  if (refusals.length > 0) return refused(args.json, refusals, { notes: refusals });
  const live = target.root === undefined;
  const tunnels = result.units.map((u) => u.source.tunnel);
  const warnings = [
    ...(target.user && live ? [lingerWarning()] : []),
    // Below --root the key belongs to the machine the tree is for, not this one.
    ...(live ? identityWarnings(tunnels) : []),
    ...(live ? [nssWarning(tunnels)] : []),
    ...shadowed(plan, target),
  ].filter((w): w is string => w !== undefined);
  if (!args.dryRun) {
    applyFiles(dir, plan.files);
    const failed: StartFailure = (c, r) => startFailure(runner, target, c, r);
    warnings.push(...applyCommands(runner, plan.commands, failed).warnings);
  }
  return report(args, plan, warnings, result.diagnostics);
}

/** A unit a package already ships (compile -o usr/lib/systemd/system) gets a second copy. */
function shadowed(plan: InstallPlan, target: Target): string[] {
  const vendor = vendorUnitDir(target);
  if (vendor === undefined) return [];
  return plan.files
    .filter((f) => f.kind === "create" && existsSync(join(vendor, f.unit)))
    .map(
      (f) =>
        `${join(vendor, f.unit)} (a package's unit) exists too: ${f.path} overrides it; for a packaged tunnel run systemctl enable, not tunnelc install`,
    );
}

function wrongScope(units: CompiledUnit[], target: Target): string[] {
  const want = target.user ? "user" : "system";
  return units
    .filter((u) => u.scope !== want)
    .map(
      (u) =>
        `tunnel ${u.name} is a ${u.scope} unit: install it ${u.scope === "user" ? "with" : "without"} --user`,
    );
}

const VERB: Record<FileAction["kind"], [string, string]> = {
  create: ["created", "would create"],
  update: ["updated", "would update"],
  replace: ["replaced", "would replace"],
  unchanged: ["unchanged", "unchanged"],
};

function report(
  args: InstallArgs,
  plan: InstallPlan,
  warnings: string[],
  diagnostics: Outcome["diagnostics"],
): Outcome {
  if (args.json) {
    const files = plan.files.map((f) => ({
      unit: f.unit,
      path: f.path,
      action: VERB[f.kind][0],
      ...("diff" in f && { diff: f.diff }),
      ...(f.kind === "replace" && { backup: f.backup }),
    }));
    const commands = plan.commands.map((c) => c.argv);
    return outcome({
      stdout: json({
        ok: true,
        dryRun: args.dryRun,
        units: files,
        commands,
        warnings,
        diagnostics: diagnostics.map(diagnosticJson),
      }),
    });
  }
  const lines: string[] = [];
  for (const f of plan.files) {
    lines.push(
      `${VERB[f.kind][args.dryRun ? 1 : 0]} ${f.path}${f.kind === "replace" ? ` (backup: ${f.backup})` : ""}`,
    );
    if ("diff" in f) lines.push(f.diff.trimEnd());
  }
  for (const c of plan.commands)
    lines.push(`${args.dryRun ? "would run: " : ""}${c.argv.join(" ")}`);
  return outcome({
    stdout: lines.join("\n") + "\n",
    diagnostics,
    notes: warnings.map((w) => `warning: ${w}`),
  });
}

export function scopeOptions<T>(y: Argv<T>) {
  return y
    .option("user", { type: "boolean", default: false, describe: "user units (systemctl --user)" })
    .option("root", {
      type: "string",
      describe: "operate offline below this directory (packaging)",
    })
    .option("json", { type: "boolean", default: false, describe: "print a JSON report on stdout" });
}

export const installCommand = (run: (o: Outcome) => void): CommandModule<object, InstallArgs> => ({
  command: "install [specs..]",
  describe:
    "Compile specs and install their units (default: every spec in /etc/tunnelc, or DIR/etc/tunnelc with --root DIR)",
  builder: (y) =>
    scopeOptions(
      y.positional("specs", {
        type: "string",
        array: true,
        describe: "spec files (default: every spec in the spec directory)",
      }),
    )
      .option("enable", { type: "boolean", default: false, describe: "enable the units at boot" })
      .option("now", {
        type: "boolean",
        default: false,
        describe: "start them now (with --enable: enable --now)",
      })
      .option("dry-run", {
        type: "boolean",
        default: false,
        describe: "print the plan, change nothing",
      })
      .option("force", {
        type: "boolean",
        default: false,
        describe: "replace units tunnelc did not generate (keeps a backup)",
      })
      .option("only", onlyOption)
      .option("spec-dir", { type: "string", describe: "where specs are found when none is named" })
      .example("$0 install home.json --enable --now", "install, enable and start")
      .example(
        '$0 install fleet.json --enable --root "$pkgdir"',
        "package: write and enable offline",
      )
      .example("$0 install --user --enable --now", "every spec in ~/.config/tunnelc as user units")
      .example("$0 install home.json --dry-run", "show what would change") as never,
  handler: (args) => run(runInstall(args)),
});
