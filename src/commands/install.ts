// tunnelc install [SPEC...] [--enable] [--now] [--user] [--root DIR] [--dry-run] [--force]
import { edgeOf, type Edge } from "../edge/edge.ts";
import { compileSpecs } from "../render/units.ts";
import {
  installEffects,
  planInstall,
  rewrittenUnits,
  runEffects,
  type FileAction,
  type InstallPlan,
} from "../install/plan.ts";
import { execute, type StartFailure } from "../edge/execute.ts";
import { describe } from "../edge/plan.ts";
import { startFailure } from "../status/start-failure.ts";
import { existingOf, modesOf } from "../install/read-units.ts";
import { fileQuery } from "../edge/query.ts";
import { targetOf, unitDir, type Target } from "../install/paths.ts";
import {
  guardDetailQueries,
  guardFindings,
  guardQueries,
  type Guard,
} from "../install/name-guard.ts";
import { searchPathFor } from "../install/search-path.ts";
import { homedir } from "node:os";
import { lingerQuery, lingerWarning } from "../install/linger.ts";
import { manyUnitsWarning } from "../model/host-load.ts";
import { usesCredentials } from "../model/accounts.ts";
import { identityQueries, identityWarnings, withoutKey } from "../install/identity-check.ts";
import { keylessStartRefusals } from "../install/key-start.ts";
import { parseShow, toState } from "../status/status-model.ts";
import { stateQuery } from "../status/status-facts.ts";
import { unitFileName, type Tunnel } from "../model/tunnel.ts";
import { nssQuery, nssWarning } from "../install/nss-check.ts";
import { envelope, problem, type JsonDiagnostic } from "../envelope.ts";
import type { Code } from "../codes.ts";
import { UsageError } from "../errors.ts";
import { outcome, refused, refusedPlan, warning, warningLines, type Outcome } from "./outcome.ts";
import { onlyOption, onlyPick, onlyUnits } from "./only.ts";
import { findSpecs } from "./specs-arg.ts";
import { join } from "node:path";
import type { CompiledUnit } from "../render/units.ts";
import { flag, text, anyOf, jsonOption, dryRunOption, defineCommand } from "./options.ts";

import type { Gatherer } from "../edge/query.ts";
import type { Refusal } from "../edge/plan.ts";
import { enableDirQueries, enableDirRefusals } from "../install/enable-dirs.ts";
import { managerQueries, managerRefusal } from "../install/manager-check.ts";

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

export function runInstall(args: InstallArgs, edge: Edge = edgeOf()): Outcome {
  const { gatherer, runner } = edge;
  const target = targetOf(args);
  if (args.now && target.root !== undefined)
    throw new UsageError("--now needs a running manager; with --root only --enable applies");
  const found = findSpecs(args.specs, target, args.specDir, gatherer);
  if (found.specs.length === 0 && found.problems.length === 0)
    return outcome({ notes: [`no specs in ${found.dir}: nothing to install`] });
  const result = compileSpecs(found.specs, onlyPick(args.only));
  if (!result.ok || found.problems.length > 0) {
    const diagnostics = [...found.problems, ...result.diagnostics];
    return refused(args.json, diagnostics, { diagnostics });
  }
  result.units = onlyUnits(result.units, args.only, result.specs);
  const misplaced = wrongScope(result.units, target);
  if (misplaced.length > 0)
    return refused(
      args.json,
      misplaced.map((m) => problem("install/wrong-scope", m)),
      { notes: misplaced },
    );
  const dir = unitDir(target);
  const paths = result.units.map((u) => join(dir, u.fileName));
  const guard: Guard = {
    dir,
    fileNames: result.units.map((u) => u.fileName),
    searchPath: searchPathFor(target, process.env, process.env.HOME || homedir()),
    ...(target.root !== undefined && { root: target.root }),
  };
  const first = gatherer.gather(guardQueries(guard));
  const guarded = guardFindings(
    guard,
    first.with(gatherer.gather(guardDetailQueries(guard, first))),
  );
  // A link of the name is refused by the guard alone, --force or not, and never read: where it
  // leads (out of --root, a loop, a secret) is not tunnelc's business.
  const linked = new Set(guarded.refusals.map((r) => r.path));
  const readable = paths.filter((p) => !linked.has(p));
  const read = gatherer.gather(readable.map((p) => fileQuery(p, target.root)));
  const existing = existingOf(read, readable, target.root);
  const modes = modesOf(read, readable, target.root);
  const plan = planInstall(
    result.units.filter((u) => !linked.has(join(dir, u.fileName))),
    existing,
    dir,
    target,
    args,
    modes,
  );
  const refusals = [...plan.refusals, ...guarded.refusals];
  if (refusals.length > 0) return refusedPlan(args.json, refusals);
  const down = managerRefusal(
    plan.commands,
    target.root,
    gatherer.gather(managerQueries(plan.commands, target.root)),
    "install",
  );
  if (down) return refusedPlan(args.json, [down]);
  const outside = enableOutside(plan, result.units, dir, target, args.enable, gatherer);
  if (outside.length > 0) return refusedPlan(args.json, outside);
  const live = target.root === undefined;
  const picked = new Set(result.units.map((u) => u.name));
  const tunnels = result.model.tunnels.flatMap((t) =>
    picked.has(t.tunnel.name) ? [t.tunnel] : [],
  );
  const facts = gatherer.gather([
    ...(target.user && live ? [lingerQuery()] : []),
    // Below --root the key belongs to the machine the tree is for, not this one.
    ...(live ? [...identityQueries(tunnels), nssQuery()] : []),
  ]);
  const keyless = live ? withoutKey(tunnels, facts) : [];
  const noKey = keylessStartRefusals(plan, keyless, running(keyless, plan, target, gatherer), dir);
  if (noKey.length > 0) return refusedPlan(args.json, noKey);
  const said = (code: Code, ws: (string | undefined)[]) =>
    ws.flatMap((w) => (w === undefined ? [] : [warning(code, w)]));
  const warnings = [
    ...said("install/linger", target.user && live ? [lingerWarning(facts)] : []),
    ...said("install/identity", live ? identityWarnings(tunnels, facts) : []),
    ...said("install/nss-systemd", live ? [nssWarning(tunnels, facts)] : []),
    ...said("install/copy", copied(plan, guarded.ownedElsewhere)),
    // Below --root too: the tree boots a machine with these units.
    ...said("install/many-units", [
      manyUnitsWarning(tunnels.length, tunnels.filter(usesCredentials).length),
    ]),
  ];
  if (!args.dryRun) {
    const effects = installEffects(plan, dir, target);
    const failed: StartFailure = (c, r) => startFailure(gatherer, target, c, r);
    warnings.push(...said("system/command", execute(effects, runner, failed).warnings));
  }
  return report(args, plan, warnings, result.diagnostics);
}

/**
 * Which of the keyless tunnels' units the plan would restart are running: asked only when there
 * are such (a key missing on a live install is rare), so the usual install asks nothing more.
 */
function running(
  keyless: Tunnel[],
  plan: InstallPlan,
  target: Target,
  gatherer: Gatherer,
): Set<string> {
  const names = new Set(keyless.map(unitFileName));
  const units = rewrittenUnits(plan.files).filter((u) => names.has(u));
  if (units.length === 0) return new Set();
  const q = stateQuery(target, units);
  const shown = gatherer.gather([q]).get(q);
  // Unknown (systemctl failed) counts as running: refusing is the safe side.
  if (q.kind !== "unit-state" || shown.status !== 0) return new Set(units);
  const active = new Set(["active", "activating", "reloading"]);
  return new Set(
    parseShow(shown.stdout)
      .map(toState)
      .filter((s) => active.has(s.active))
      .map((s) => s.unit),
  );
}

/**
 * Below --root with --enable: the .wants directories systemctl --root will link into, refused
 * when a link there leads out of the root (src/install/enable-dirs.ts).
 */
function enableOutside(
  plan: InstallPlan,
  units: CompiledUnit[],
  dir: string,
  target: Target,
  enable: boolean,
  gatherer: Gatherer,
): Refusal[] {
  if (target.root === undefined || !enable || plan.commands.length === 0) return [];
  const enabled = units.map((u) => ({ unit: u.fileName, text: u.text }));
  const facts = gatherer.gather(enableDirQueries(enabled, dir, target.root));
  return enableDirRefusals(facts, enabled, dir, target.root, "enable");
}

/**
 * A tunnel's unit that tunnelc wrote elsewhere on the search path (a package's, compile -o
 * usr/lib/systemd/system) gets a second copy that overrides or is overridden by it: said once,
 * when the copy is made.
 */
function copied(plan: InstallPlan, ownedElsewhere: ReadonlyMap<string, string>): string[] {
  return plan.files.flatMap((f) => {
    const other = ownedElsewhere.get(f.unit);
    if (f.kind !== "create" || other === undefined) return [];
    return [
      `${other} (a package's unit) exists too: ${f.path} overrides it; for a packaged tunnel run systemctl enable, not tunnelc install`,
    ];
  });
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
  warnings: JsonDiagnostic[],
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
      stdout: envelope(true, [...diagnostics, ...warnings], {
        dryRun: args.dryRun,
        units: files,
        commands,
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
  lines.push(...runEffects(plan.commands).map((e) => describe(e, args.dryRun)));
  return outcome({
    stdout: lines.join("\n") + "\n",
    diagnostics,
    notes: warningLines(warnings),
  });
}

/** The options every command on installed units shares. */
export const scopeOptions = {
  user: flag("user units (systemctl --user)"),
  root: text("operate offline below this directory (packaging)"),
  json: jsonOption,
};

const ABOUT =
  "Compile specs and install their units (default: every spec in /etc/tunnelc, or DIR/etc/tunnelc with --root DIR)";

export const installCommand = defineCommand<InstallArgs>({
  command: "install [specs..]",
  describe: ABOUT,
  positionals: { specs: anyOf("spec files (default: every spec in the spec directory)") },
  options: {
    ...scopeOptions,
    enable: flag("enable the units at boot"),
    now: flag("start them now (with --enable: enable --now)"),
    "dry-run": dryRunOption,
    force: flag("replace units tunnelc did not generate (keeps a backup)"),
    only: onlyOption,
    "spec-dir": text("where specs are found when none is named"),
  },
  examples: [
    ["$0 install home.json --enable --now", "install, enable and start"],
    ['$0 install fleet.json --enable --root "$pkgdir"', "package: write and enable offline"],
    ["$0 install --user --enable --now", "every spec in ~/.config/tunnelc as user units"],
    ["$0 install home.json --dry-run", "show what would change"],
  ],
  run: runInstall,
});
