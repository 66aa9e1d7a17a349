// tunnelc uninstall NAME|SPEC... [--user] [--root DIR] [--dry-run]
import { edgeOf, type Edge } from "../edge/edge.ts";
import { join } from "node:path";
import { buildModel } from "../model/build-model.ts";
import { planUninstall, uninstallEffects } from "../install/uninstall-plan.ts";
import { execute } from "../edge/execute.ts";
import { describe } from "../edge/plan.ts";
import { existingOf } from "../install/read-units.ts";
import { fileQuery } from "../edge/query.ts";
import { enableDirQueries, enableDirRefusals } from "../install/enable-dirs.ts";
import { targetOf, unitDir } from "../install/paths.ts";
import { managerQueries, managerRefusal } from "../install/manager-check.ts";
import { SpecError, UsageError } from "../errors.ts";
import { envelope } from "../envelope.ts";
import { outcome, refusedPlan, warning, warningLines, type Outcome } from "./outcome.ts";
import { scopeOptions } from "./install.ts";
import { someOf, dryRunOption, defineCommand } from "./options.ts";
import { gathererFor } from "../edge/read.ts";
import type { Gatherer } from "../edge/query.ts";
import { loadSpecs } from "./specs-arg.ts";

export interface UninstallArgs {
  targets: string[];
  user: boolean;
  root?: string;
  dryRun: boolean;
  json: boolean;
}

const UNIT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** NAME, NAME.service, or a spec file whose tunnels are meant. */
export function unitNames(targets: string[], gatherer: Gatherer = gathererFor()): string[] {
  const exists = (path: string) => ({ kind: "exists", path }) as const;
  const facts = gatherer.gather(targets.filter((t) => t.includes("/")).map(exists));
  return targets.flatMap((t) => {
    if (t.endsWith(".json") || (t.includes("/") && facts.get(exists(t)))) {
      const model = buildModel(loadSpecs([t], gatherer));
      if (!model.ok) throw new SpecError(model.diagnostics);
      return model.tunnels.map((m) => m.tunnel.name);
    }
    const name = t.replace(/\.service$/, "");
    if (!UNIT_NAME.test(name)) throw new UsageError(`not a tunnel name or spec file: ${t}`);
    return [name];
  });
}

export function runUninstall(args: UninstallArgs, edge: Edge = edgeOf()): Outcome {
  const { gatherer, runner } = edge;
  const target = targetOf(args);
  const dir = unitDir(target);
  const names = [...new Set(unitNames(args.targets, gatherer))];
  const targets = names.map((n) => ({ unit: `${n}.service`, path: join(dir, `${n}.service`) }));
  const paths = targets.map((t) => t.path);
  const read = gatherer.gather(paths.map((p) => fileQuery(p, target.root)));
  const existing = existingOf(read, paths, target.root);
  const plan = planUninstall(targets, existing, target);
  if (plan.refusals.length > 0) return refusedPlan(args.json, plan.refusals);
  const calls = [...plan.before, ...plan.after];
  const down = managerRefusal(
    calls,
    target.root,
    gatherer.gather(managerQueries(calls, target.root)),
    "uninstall",
  );
  if (down) return refusedPlan(args.json, [down]);
  if (target.root !== undefined) {
    // systemctl --root disable removes links in the .wants directories: never through a link
    // out of the root (src/install/enable-dirs.ts).
    const units = plan.remove.map((r) => ({ unit: r.unit, text: existing.get(r.path) ?? "" }));
    const facts = gatherer.gather(enableDirQueries(units, dir, target.root));
    const outside = enableDirRefusals(facts, units, dir, target.root, "disable");
    if (outside.length > 0) return refusedPlan(args.json, outside);
  }
  const effects = uninstallEffects(plan, target);
  const warnings = (args.dryRun ? [] : execute(effects, runner).warnings).map((w) =>
    warning("system/command", w),
  );
  const commands = [...plan.before, ...plan.after].map((c) => c.argv);
  if (args.json)
    return outcome({
      stdout: envelope(true, warnings, { dryRun: args.dryRun, removed: plan.remove, commands }),
    });
  const lines = effects.map((e) => describe(e, args.dryRun));
  return outcome({ stdout: lines.join("\n") + "\n", notes: warningLines(warnings) });
}

export const uninstallCommand = defineCommand<UninstallArgs>({
  command: "uninstall <targets..>",
  describe: "Stop, disable and remove installed tunnels (by name or spec)",
  positionals: { targets: someOf("tunnel names or spec files") },
  options: { ...scopeOptions, "dry-run": dryRunOption },
  examples: [
    ["$0 uninstall home", "remove home.service"],
    ["$0 uninstall fleet.json", "remove every tunnel of a spec"],
  ],
  run: runUninstall,
});
