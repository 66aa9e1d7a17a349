// The front end: spec texts → the checked fleet model. Each text is parsed, its form decided,
// checked against the schema (with fleet defaults merged in), normalized and checked by the
// rules; problems are recorded by JSON pointer and located (line, column, frame) in one final
// pass per spec. Pure: the commands read the files. Back ends (render/units.ts, ends/, doctor/,
// trust) take the model.
import { parseSpec } from "../specfile/parse.ts";
import { validateDocument } from "../specfile/validate.ts";
import { withDefaults } from "../specfile/merge-defaults.ts";
import { locate } from "../specfile/locate.ts";
import { formOf, type RawSpec, type SpecForm } from "../specfile/raw.ts";
import { normalize } from "./normalize.ts";
import { checkRules } from "./check-rules.ts";
import { checkPaths } from "./check-paths.ts";
import { checkSize } from "./check-size.ts";
import { checkWeakening } from "./check-weakening.ts";
import { NameCheck } from "./check-names.ts";
import { writtenRelayProblems } from "./relays.ts";
import type { SpecText } from "../specfile/source.ts";
import { Problems, type Problem } from "../specfile/problem.ts";
import type { ModelTunnel } from "./tunnel.ts";
import { hasErrors, type Diagnostic } from "../errors.ts";

export interface SpecModel {
  file: string;
  form: SpecForm;
  /** The spec as written (before defaults are merged); undefined when it is not JSON. */
  value: unknown;
  tunnels: ModelTunnel[];
  problems: Problem[];
  /** The problems located, in the order of their position in the file. */
  diagnostics: Diagnostic[];
}

export interface FleetModel {
  specs: SpecModel[];
  /** Every spec's tunnels, in order. */
  tunnels: ModelTunnel[];
  problems: Problem[];
  diagnostics: Diagnostic[];
  /** No errors (warnings may remain). */
  ok: boolean;
}

export function buildModel(texts: SpecText[]): FleetModel {
  const names = new NameCheck();
  const specs = texts.map((source) => buildSpec(source, names));
  const diagnostics = specs.flatMap((s) => s.diagnostics);
  return {
    specs,
    tunnels: specs.flatMap((s) => s.tunnels),
    problems: specs.flatMap((s) => s.problems),
    diagnostics,
    ok: !hasErrors(diagnostics),
  };
}

function buildSpec(source: SpecText, names: NameCheck): SpecModel {
  const { file } = source;
  const parsed = parseSpec(source);
  if (!parsed.ok) {
    // Where the text is broken, the problems come in the text's order already.
    const diagnostics = locate(parsed.problems, [source]);
    return {
      file,
      form: "tunnel",
      value: undefined,
      tunnels: [],
      problems: parsed.problems,
      diagnostics,
    };
  }
  const form = formOf(parsed.value);
  const merged = withDefaults(parsed.value);
  const problems = validateDocument(parsed.value, file);
  // With fleet defaults (or relays), the merged tunnels are what must pass the tunnel schema.
  // Without "relays" (checked where written), which would spare the tunnels the tunnel schema.
  if (merged !== undefined && problems.length === 0) {
    const { relays: _relays, ...withoutRelays } = merged;
    problems.push(...validateDocument(withoutRelays, file));
  }
  const valid = problems.length === 0;
  // A server beside the relays: the merged tunnels have the relays' in its place, so the rest
  // is still checked.
  const written = new Problems(file);
  writtenRelayProblems(parsed.value, written);
  problems.push(...written.list);
  let tunnels: ModelTunnel[] = [];
  if (valid) {
    const normalized = normalize((merged ?? parsed.value) as RawSpec, form, file);
    tunnels = normalized.tunnels;
    problems.push(
      ...normalized.problems,
      ...names.check(file, tunnels, form === "seed"),
      ...checkRules(file, tunnels, form === "seed"),
      ...checkPaths(file, tunnels),
      ...checkSize(file, tunnels),
      ...checkWeakening(file, tunnels, form === "seed"),
    );
  }
  // A good spec, the usual case, has nothing to locate.
  const diagnostics =
    problems.length === 0
      ? []
      : byPosition(locate(problems, [{ ...source, mergedDefaults: merged !== undefined }]));
  return { file, form, value: parsed.value, tunnels, problems, diagnostics };
}

function byPosition(ds: Diagnostic[]): Diagnostic[] {
  return ds
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) =>
        a.d.location.line - b.d.location.line ||
        a.d.location.column - b.d.location.column ||
        a.i - b.i,
    )
    .map(({ d }) => d);
}
