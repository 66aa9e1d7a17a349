// tunnelc uninstall NAME|SPEC... [--user] [--root DIR] [--dry-run]
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { CommandModule } from "yargs";
import { buildModel } from "../model/build-model.ts";
import { loadSpec, reason } from "../specfile/read.ts";
import { planUninstall } from "../install/uninstall-plan.ts";
import { applyCommands } from "../install/apply.ts";
import { readExisting } from "../install/read-units.ts";
import { unitDir, type Target } from "../install/paths.ts";
import { processRunner, type Runner } from "../install/systemctl.ts";
import { SpecError, SystemError, UsageError } from "../errors.ts";
import { json, outcome, refused, type Outcome } from "./outcome.ts";
import { scopeOptions } from "./install.ts";

export interface UninstallArgs {
  targets: string[];
  user: boolean;
  root?: string;
  dryRun: boolean;
  json: boolean;
}

const UNIT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** NAME, NAME.service, or a spec file whose tunnels are meant. */
export function unitNames(targets: string[]): string[] {
  return targets.flatMap((t) => {
    if (t.endsWith(".json") || (t.includes("/") && existsSync(t))) {
      const model = buildModel([loadSpec(t)]);
      if (!model.ok) throw new SpecError(model.diagnostics);
      return model.tunnels.map((m) => m.tunnel.name);
    }
    const name = t.replace(/\.service$/, "");
    if (!UNIT_NAME.test(name)) throw new UsageError(`not a tunnel name or spec file: ${t}`);
    return [name];
  });
}

export function runUninstall(args: UninstallArgs, runner: Runner = processRunner): Outcome {
  const target: Target = { user: args.user, ...(args.root !== undefined && { root: args.root }) };
  const dir = unitDir(target);
  const names = [...new Set(unitNames(args.targets))];
  const targets = names.map((n) => ({ unit: `${n}.service`, path: join(dir, `${n}.service`) }));
  const plan = planUninstall(targets, readExisting(targets.map((t) => t.path)), target);
  const refusals = plan.refusals.map((r) => r.message);
  if (refusals.length > 0) return refused(args.json, refusals, { notes: refusals });
  const warnings: string[] = [];
  if (!args.dryRun) {
    applyCommands(runner, plan.before);
    for (const r of plan.remove) removeFile(r.path);
    warnings.push(...applyCommands(runner, plan.after).warnings);
  }
  const commands = [...plan.before, ...plan.after].map((c) => c.argv);
  if (args.json)
    return outcome({
      stdout: json({ ok: true, dryRun: args.dryRun, removed: plan.remove, commands, warnings }),
    });
  const pre = args.dryRun ? "would run: " : "";
  const lines = [
    ...plan.before.map((c) => `${pre}${c.argv.join(" ")}`),
    ...plan.remove.map((r) => `${args.dryRun ? "would remove" : "removed"} ${r.path}`),
    ...plan.after.map((c) => `${pre}${c.argv.join(" ")}`),
  ];
  return outcome({ stdout: lines.join("\n") + "\n", notes: warnings.map((w) => `note: ${w}`) });
}

function removeFile(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch (e) {
    throw new SystemError(`cannot remove ${path}: ${reason(e)}`);
  }
}

export const uninstallCommand = (
  run: (o: Outcome) => void,
): CommandModule<object, UninstallArgs> => ({
  command: "uninstall <targets..>",
  describe: "Stop, disable and remove installed tunnels (by name or spec)",
  builder: (y) =>
    scopeOptions(
      y.positional("targets", {
        type: "string",
        array: true,
        demandOption: true,
        describe: "tunnel names or spec files",
      }),
    )
      .option("dry-run", {
        type: "boolean",
        default: false,
        describe: "print the plan, change nothing",
      })
      .example("$0 uninstall home", "remove home.service")
      .example("$0 uninstall fleet.json", "remove every tunnel of a spec") as never,
  handler: (args) => run(runUninstall(args)),
});
