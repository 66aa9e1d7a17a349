// tunnelc compile SPEC... [-o DIR | -o - | --root DIR] [--json] [--preset FILE] [--sysusers DIR]
// [--tmpfiles DIR]
import { edgeOf, type Edge } from "../edge/edge.ts";
import { basename, dirname, join, resolve } from "node:path";
import { compileSpecs, type CompiledUnit } from "../render/units.ts";
import { execute } from "../edge/execute.ts";
import type { Effect } from "../edge/plan.ts";

import { loadSpecs } from "./specs-arg.ts";
import { envelope } from "../envelope.ts";
import { ExitCode, UsageError } from "../errors.ts";
import { outcome, refusedPlan, type Outcome } from "./outcome.ts";
import {
  guardDetailQueries,
  guardFindings,
  guardQueries,
  searchPathOf,
  type Guard,
} from "../install/name-guard.ts";
import { fileQuery } from "../edge/query.ts";
import { ownershipOf } from "../install/ownership.ts";
import type { Refusal } from "../edge/plan.ts";
import type { Gatherer } from "../edge/query.ts";
import { homedir } from "node:os";
import { onlyOption, onlyPick, onlyUnits } from "./only.ts";
import { presetNameProblem, presetScopeProblem, renderPreset } from "../render/preset.ts";
import { text, someOf, jsonOption, defineCommand } from "./options.ts";
import { groupBy } from "../group-by.ts";
import { distroDirQueries, distroDirs } from "../install/distro-dirs.ts";
import {
  accountFiles,
  renderSysusers,
  renderTmpfiles,
  type AccountFile,
} from "../render/sysusers.ts";

export interface CompileArgs {
  specs: string[];
  only?: string;
  output: string;
  json: boolean;
  preset?: string;
  sysusers?: string;
  tmpfiles?: string;
  root?: string;
}

/** Where each file goes: the units (by scope under --root), the account files. */
interface Places {
  unitDir: (u: CompiledUnit) => string;
  sysusers?: string;
  tmpfiles?: string;
  /** Below --root: every write resolved inside it (src/edge/in-root.ts). */
  root?: string;
  /** The systemd.pc variables pkg-config did not answer (their defaults were taken). */
  defaulted: string[];
}

/**
 * -o DIR writes every unit there; --root DIR writes each below DIR where the distribution wants
 * a package's units (system or user), and its accounts' files likewise, as this machine's
 * systemd.pc says (src/install/distro-dirs.ts). --sysusers and --tmpfiles name their directory
 * either way.
 */
function placesOf(args: CompileArgs, gatherer: Gatherer): Places {
  const named = {
    ...(args.sysusers !== undefined && { sysusers: args.sysusers }),
    ...(args.tmpfiles !== undefined && { tmpfiles: args.tmpfiles }),
  };
  if (args.root === undefined) return { unitDir: () => args.output, ...named, defaulted: [] };
  const dirs = distroDirs(args.root, gatherer.gather(distroDirQueries()));
  return {
    unitDir: (u) => (u.scope === "user" ? dirs.userUnits : dirs.systemUnits),
    sysusers: dirs.sysusers,
    tmpfiles: dirs.tmpfiles,
    ...named,
    root: args.root,
    defaulted: dirs.defaulted,
  };
}

export function runCompile(args: CompileArgs, edge: Edge = edgeOf()): Outcome {
  const badPreset = args.preset === undefined ? undefined : presetNameProblem(args.preset);
  if (badPreset !== undefined) throw new UsageError(badPreset);
  if (args.root !== undefined && args.output !== "-")
    throw new UsageError(
      `--root ${args.root} and -o ${args.output} both say where the units go: give one (--root DIR writes below DIR where this distribution's systemd.pc puts a package's units)`,
    );
  const { gatherer } = edge;
  const all = compileSpecs(loadSpecs(args.specs, gatherer), onlyPick(args.only));
  const result = all.ok ? { ...all, units: onlyUnits(all.units, args.only, all.specs) } : all;
  const diagnostics = result.diagnostics;
  if (!result.ok) {
    const stdout = args.json ? envelope(false, diagnostics, { units: [] }) : "";
    return outcome({ exitCode: ExitCode.spec, stdout, diagnostics: args.json ? [] : diagnostics });
  }
  const mixed = args.preset === undefined ? undefined : presetScopeProblem(result.units);
  if (mixed !== undefined) throw new UsageError(mixed);
  const places = placesOf(args, gatherer);
  const toStdout = args.root === undefined && args.output === "-";
  const byDir = [...groupBy(result.units, places.unitDir).entries()];
  const refusals = toStdout
    ? []
    : byDir.flatMap(([dir, units]) => outputRefusals(dir, units, gatherer));
  if (refusals.length > 0) return refusedPlan(args.json, refusals);
  const shown = new Set(result.units.map((u) => u.name));
  const files = accountFiles(result.model.tunnels.filter((t) => shown.has(t.tunnel.name)));
  const accounts = accountWrites(files, places);
  const writes = [
    ...(toStdout ? [] : byDir.flatMap(([dir, units]) => unitWrites(dir, units, places.root))),
    ...(args.preset === undefined ? [] : presetWrites(args.preset, result.units)),
    ...accounts.effects,
  ];
  if (writes.length > 0) execute(writes, edge.runner);
  const units = result.units.map((u) =>
    unitReport(
      u,
      toStdout ? undefined : join(places.unitDir(u), u.fileName),
      args.json && toStdout,
    ),
  );
  if (args.json)
    return outcome({
      stdout: envelope(true, diagnostics, {
        units,
        ...(args.preset !== undefined && { preset: args.preset }),
        ...((places.sysusers !== undefined || places.tmpfiles !== undefined) && {
          accounts: files.flatMap((f) => f.accounts.map((a) => a.name)),
        }),
        ...(accounts.paths.length > 0 && { files: accounts.paths }),
        ...(places.defaulted.length > 0 && { defaulted: places.defaulted }),
      }),
    });
  const stdout = toStdout ? unitsToStdout(result.units) : "";
  const notes = [
    ...(toStdout ? [] : byDir.flatMap(([dir, units]) => wroteNotes(dir, units))),
    ...(args.preset === undefined ? [] : [`wrote ${args.preset}`]),
    ...accounts.paths.map((p) => `wrote ${p}`),
    ...(places.defaulted.length > 0
      ? [
          `pkg-config --variable=… systemd did not answer ${places.defaulted.join(", ")}: took systemd's defaults (/usr/lib/…)`,
        ]
      : []),
  ];
  return outcome({ stdout, diagnostics, notes });
}

/** Each spec's sysusers.d file, and its tmpfiles.d file when an account needs a home. */
function accountWrites(files: readonly AccountFile[], places: Places): AccountWrites {
  const jail = places.root !== undefined ? { root: places.root } : {};
  const out: AccountWrites = { effects: [], paths: [] };
  const into = (dir: string | undefined, f: AccountFile, text: string | undefined) => {
    if (dir === undefined || text === undefined) return;
    const path = join(dir, f.fileName);
    const failure = `cannot write ${resolve(path)}`;
    out.effects.push(
      { kind: "mkdir", path: dir, failure, ...jail },
      { kind: "write", path, text, mode: 0o644, durable: false, failure, ...jail },
    );
    out.paths.push(path);
  };
  for (const f of files) {
    into(places.sysusers, f, renderSysusers(f));
    into(places.tmpfiles, f, renderTmpfiles(f));
  }
  return out;
}

interface AccountWrites {
  effects: Effect[];
  paths: string[];
}

/**
 * compile -o is as careful as install: a file of a unit's name that tunnelc did not write, or any
 * link (an alias such as Debian's sshd.service), is never overwritten; and into a manager's unit
 * directory (/etc/systemd/system, "$pkgdir/usr/lib/systemd/system"), no tunnel takes the name of
 * a unit the system has elsewhere on its search path (src/install/name-guard.ts).
 */
function outputRefusals(dir: string, units: CompiledUnit[], gatherer: Gatherer): Refusal[] {
  const guard: Guard = {
    dir,
    fileNames: units.map((u) => u.fileName),
    searchPath: searchPathOf(dir, process.env, process.env.HOME || homedir()),
  };
  const first = gatherer.gather(guardQueries(guard));
  const detail = guardDetailQueries(guard, first);
  const listing = first.get({ kind: "dir", path: dir });
  if (listing.code === "ENOTDIR")
    throw new UsageError(
      `-o ${dir}: not a directory (compile writes a unit file per tunnel into a directory; -o - prints them)`,
    );
  const listed = new Set(listing.names ?? []);
  const here = units.filter((u) => listed.has(u.fileName)).map((u) => join(dir, u.fileName));
  const facts = first.with(gatherer.gather([...detail, ...here.map((p) => fileQuery(p))]));
  const found = guardFindings(guard, facts);
  const linked = new Set(found.refusals.map((r) => r.path));
  const foreign = here.flatMap((path): Refusal[] => {
    const text = facts.get(fileQuery(path)).text;
    if (linked.has(path) || (text !== undefined && ownershipOf(text).owned)) return [];
    return [
      {
        code: "install/foreign-unit",
        unit: basename(path),
        path,
        message: `${path} exists and was not generated by tunnelc; refusing to overwrite it: remove or rename it yourself, write elsewhere, or use tunnelc install --force (which keeps a backup)`,
      },
    ];
  });
  return [...foreign, ...found.refusals];
}

/** One line per unit, or one line in all for a fleet (--json lists every unit). */
function wroteNotes(dir: string, units: CompiledUnit[]): string[] {
  if (units.length <= 20) return units.map((u) => `wrote ${join(dir, u.fileName)}`);
  return [`wrote ${units.length} units to ${dir}`];
}

/** The output directory, then each unit in it (fsync left to the OS: a build directory). */
function unitWrites(dir: string, units: CompiledUnit[], root: string | undefined): Effect[] {
  const failure = `cannot write units to ${resolve(dir)}`;
  const jail = root !== undefined ? { root } : {};
  return [
    { kind: "mkdir", path: dir, failure, ...jail },
    ...units.map((u): Effect => ({
      kind: "write",
      path: join(dir, u.fileName),
      text: u.text,
      mode: 0o644,
      durable: false,
      failure,
      ...jail,
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
    sysusers: text(
      "also write a sysusers.d(5) file per spec (tunnelc-SPEC.conf) creating the accounts its tunnels run as",
    ),
    tmpfiles: text(
      "also write a tmpfiles.d(5) file per spec (tunnelc-SPEC.conf) creating those accounts' ~/.ssh",
    ),
    root: text(
      "write below DIR where systemd.pc puts a package's units, sysusers.d and tmpfiles.d files",
    ),
  },
  examples: [
    ["$0 compile home.json -o /etc/systemd/system", "write home.service"],
    ["$0 compile fleet.json --only pi-kitchen -o /etc/systemd/system", "one device of a fleet"],
    ['$0 compile fleet.json -o "$pkgdir/usr/lib/systemd/system"', "package the units"],
    ["$0 compile home.json -o units --preset 80-tunnelc.preset", "and enable it by preset"],
    ['$0 compile home.json --root "$pkgdir"', "units and accounts where systemd.pc says"],
    ["$0 compile home.json", "print the unit"],
  ],
  run: runCompile,
});
