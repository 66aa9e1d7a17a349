// The generator's core: spec texts by directory → the files and links to write, and every
// problem, then those as effects. Pure: the gatherer reads the directories, the file applier
// (src/edge/apply-files.ts) does the writes.
import { join } from "node:path";
import { buildModel } from "../model/build-model.ts";
import { buildUnit } from "../render/build-unit.ts";
import { renderUnit } from "../unit/render.ts";
import { entry } from "../unit/model.ts";
import { diagnosticJson } from "../envelope.ts";
import { hasErrors, type Diagnostic } from "../errors.ts";
import type { SourcedTunnel } from "../model/tunnel.ts";
import { renderedOrProblem } from "../render/unwritable.ts";
import { locate } from "../specfile/locate.ts";
import { brokenUnit, intendedNames } from "./broken.ts";
import { chooseSpecs, type SpecDir } from "./precedence.ts";
import { GENERATOR_NAME, STATUS_FILE } from "./locations.ts";
import { existingUnit } from "../install/search-path.ts";
import { manyUnitsWarning } from "../model/host-load.ts";
import { usesCredentials } from "../model/accounts.ts";
import { addTo } from "../group-by.ts";
import type { SpecText } from "../specfile/source.ts";

export interface GenerationOptions {
  /** Files that could not be read, reported like any other problem. */
  readProblems?: Diagnostic[];
  /** The user generator (systemd --user), or the system one. */
  user: boolean;
  /** systemd's normal-dir: every unit and .wants link goes here. */
  normalDir: string;
  /**
   * The entries of each unit directory of the manager's search path but the generators' own
   * (src/install/search-path.ts), highest priority first: a name found there is never generated.
   */
  systemUnits?: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface GeneratedFile {
  path: string;
  text: string;
  /** 0644 when not given: a unit, which systemd and `systemctl cat` let anyone read. */
  mode?: number;
}

export interface GeneratedLink {
  path: string;
  /** Relative, as systemd's own generators make them: the link works wherever the dir is. */
  target: string;
}

export interface SpecOutcome {
  file: string;
  ok: boolean;
  /** Units written for it: its tunnels, or for a broken spec the units that report the errors. */
  units: string[];
  overrides: string[];
  masked: boolean;
}

export interface GenerationPlan {
  files: GeneratedFile[];
  links: GeneratedLink[];
  problems: Diagnostic[];
  specs: SpecOutcome[];
}

export function planGeneration(dirs: SpecDir[], options: GenerationOptions): GenerationPlan {
  const scope = options.user ? "user" : "system";
  const chosen = chooseSpecs(dirs);
  const live = chosen.filter((c) => !c.masked);
  const checked = buildModel(live.map((c) => c.spec)).specs;
  const files: GeneratedFile[] = [];
  const links: GeneratedLink[] = [];
  const problems: Diagnostic[] = [...(options.readProblems ?? [])];
  const taken = new Set<string>();
  const unitsOf = new Map<string, string[]>();
  const add = (file: string, name: string, text: string) => {
    const fileName = `${name}.service`;
    taken.add(name);
    files.push({ path: join(options.normalDir, fileName), text });
    // systemctl enable does not apply to generated units: [Install] becomes the link it would
    // have made (systemd.unit(5) "[Install] Section Options", WantedBy=).
    const wantedBy = scope === "user" ? "default.target" : "multi-user.target";
    links.push({
      path: join(options.normalDir, `${wantedBy}.wants`, fileName),
      target: `../${fileName}`,
    });
    addTo(unitsOf, file, fileName);
  };
  // A unit the system has keeps its name: a file of that name here would shadow it (no tunnel,
  // and no broken-spec unit either). Each such name is a problem of its spec alone.
  const system = options.systemUnits ?? new Map<string, ReadonlySet<string>>();
  const shadowing = new Set<string>();
  const free = (source: SpecText, name: string, pointer: string): boolean => {
    const existing = existingUnit(`${name}.service`, system);
    if (existing === undefined) return true;
    problems.push(nameTaken(source, name, pointer, existing));
    shadowing.add(source.file);
    return false;
  };
  // Good specs first, so a broken spec never takes the name of a tunnel that compiled. A spec
  // with a tunnel that cannot be written (render/unwritable.ts) is broken as a whole, on its own.
  const unwritable = new Map<string, Diagnostic[]>();
  /** Units made that hand their files over as credentials (model/host-load.ts). */
  let credentials = 0;
  for (const [i, spec] of checked.entries()) {
    problems.push(...spec.diagnostics);
    if (hasErrors(spec.diagnostics)) continue;
    const texts = spec.tunnels.map((t) =>
      t.tunnel.scope === scope
        ? renderedOrProblem(t, () => generatedUnit(spec.file, t))
        : undefined,
    );
    const failed = texts.flatMap((r) => (r?.problem ? [r.problem] : []));
    if (failed.length > 0) {
      const located = locate(failed, [live[i]!.spec]);
      problems.push(...located);
      unwritable.set(spec.file, located);
      continue;
    }
    spec.tunnels.forEach((t, j) => {
      const r = texts[j];
      if (r === undefined) problems.push(wrongScope(spec.file, t, scope));
      else if (r.problem === undefined && free(live[i]!.spec, t.tunnel.name, `${t.pointer}/name`)) {
        add(spec.file, t.tunnel.name, r.text);
        if (usesCredentials(t.tunnel)) credentials++;
      }
    });
  }
  checked.forEach((spec, i) => {
    const unwritten = unwritable.get(spec.file);
    if (unwritten !== undefined) {
      const source = live[i]!.spec;
      for (const name of intendedNames(source))
        if (!taken.has(name) && free(source, name, ""))
          add(spec.file, name, brokenUnit(name, source, unwritten, scope));
      return;
    }
    if (!hasErrors(spec.diagnostics)) return;
    const source = live[i]!.spec;
    for (const name of intendedNames(source))
      if (!taken.has(name) && free(source, name, ""))
        add(spec.file, name, brokenUnit(name, source, spec.diagnostics, scope));
  });
  // A refused spec (someone else could write it) is never checked with the others, so it can
  // change nothing of theirs; it fails loudly under the names it was meant to have, as a broken
  // spec does, where no spec that compiled has the name and no unit the system has does.
  const refused = dirs.flatMap((d) => d.specs.filter((s) => s.refused !== undefined));
  for (const source of refused) {
    const why = [source.refused!];
    problems.push(...why);
    for (const name of intendedNames(source))
      if (!taken.has(name) && free(source, name, ""))
        add(source.file, name, brokenUnit(name, source, why, scope));
  }
  const broken = new Set([
    ...checked.filter((s) => hasErrors(s.diagnostics) || unwritable.has(s.file)).map((s) => s.file),
    ...shadowing,
  ]);
  const specs = [
    ...chosen.map((c) => ({
      file: c.spec.file,
      ok: !broken.has(c.spec.file),
      units: unitsOf.get(c.spec.file) ?? [],
      overrides: c.overrides,
      masked: c.masked,
    })),
    ...refused.map((r) => ({
      file: r.file,
      ok: false,
      units: unitsOf.get(r.file) ?? [],
      overrides: [],
      masked: false,
    })),
  ];
  // On the spec that makes the most of them.
  const many = manyUnitsWarning(taken.size, credentials);
  const biggest = [...unitsOf].reduce<[string, string[]] | undefined>(
    (a, b) => (a === undefined || b[1].length > a[1].length ? b : a),
    undefined,
  )?.[0];
  if (many !== undefined && biggest !== undefined)
    problems.push({
      severity: "warning",
      code: "generator/many-units",
      message: many,
      location: { file: biggest, line: 1, column: 1, pointer: "", length: 1 },
    });
  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  links.sort((a, b) => (a.path < b.path ? -1 : 1));
  const status = statusReport(dirs, options, specs, problems);
  // Root's only (the user's, for a user generator): it quotes the problems of specs that may be
  // readable by root alone (a message may name a value of the spec), so it is never more readable
  // than the most private spec it reports on. `tunnelc status` as another user goes without it.
  files.push({ path: join(options.normalDir, STATUS_FILE), text: status, mode: 0o600 });
  return { files, links, problems, specs };
}

function generatedUnit(file: string, t: SourcedTunnel): string {
  const unit = buildUnit(t);
  const [, ...rest] = unit.header;
  unit.header = [
    `Generated by ${GENERATOR_NAME} from ${file}: edit that file, then systemctl daemon-reload.`,
    ...rest,
  ];
  // systemd.unit(5) SourcePath=: the file this unit was generated from.
  unit.sections[0]?.entries.push(entry("SourcePath", file));
  return renderUnit(unit);
}

/**
 * A tunnel named after a unit the system already has, located at its name. systemd.unit(5)
 * "Unit File Load Path": the generator's normal-dir ranks above /usr/lib/systemd/system, so
 * writing it would replace a package's unit at the next daemon-reload (a tunnel named ssh: the
 * host's own OpenSSH server); one in /etc (a tunnelc install of the same tunnel too) would hide
 * the generated one.
 */
function nameTaken(source: SpecText, name: string, pointer: string, existing: string): Diagnostic {
  const [d] = locate(
    [
      {
        severity: "error",
        code: "generator/name-taken",
        message: `${existing} exists: systemd loads one unit per name and the generator never takes another unit's, so none is generated for tunnel ${name}; rename the tunnel (or remove that unit if it is an old copy of this tunnel, tunnelc uninstall)`,
        file: source.file,
        pointer,
      },
    ],
    [source],
  );
  return d!;
}

function wrongScope(file: string, t: SourcedTunnel, scope: string): Diagnostic {
  return {
    severity: "warning",
    code: "generator/scope",
    message: `tunnel ${t.tunnel.name} is a ${t.tunnel.scope} unit: the ${scope} generator skips it`,
    location: { file, line: 1, column: 1, pointer: `${t.pointer}/scope`, length: 1 },
  };
}

/** What `tunnelc status` shows about the last run: every spec and every problem. */
function statusReport(
  dirs: SpecDir[],
  options: GenerationOptions,
  specs: SpecOutcome[],
  problems: Diagnostic[],
): string {
  const report = {
    generator: GENERATOR_NAME,
    scope: options.user ? "user" : "system",
    ok: !hasErrors(problems),
    specDirs: dirs.map((d) => d.dir),
    specs,
    diagnostics: problems.map(diagnosticJson),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
