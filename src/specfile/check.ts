// load → validate → normalize → rules for one spec text: pure, collects every problem.
import { parseSpec } from "./parse.ts";
import { validateDocument } from "./validate.ts";
import { normalize } from "../model/normalize.ts";
import { checkRules } from "../model/rules.ts";
import { withDefaults } from "./merge.ts";
import { isSeed, type RawSpec } from "./raw.ts";
import type { SpecText } from "./source.ts";
import type { SourcedTunnel } from "../model/tunnel.ts";
import type { Diagnostic } from "../errors.ts";

export interface CheckedSpec {
  file: string;
  tunnels: SourcedTunnel[];
  diagnostics: Diagnostic[];
}

export function checkSpec(source: SpecText): CheckedSpec {
  const parsed = parseSpec(source);
  if (!parsed.ok) return { file: source.file, tunnels: [], diagnostics: parsed.diagnostics };
  const schemaProblems = validateDocument(parsed.doc);
  // With fleet defaults, the merged tunnels are what must pass the tunnel schema.
  const doc = withDefaults(parsed.doc) ?? parsed.doc;
  if (doc !== parsed.doc && schemaProblems.length === 0)
    schemaProblems.push(...validateDocument(doc));
  if (schemaProblems.length > 0)
    return { file: source.file, tunnels: [], diagnostics: sortByPosition(schemaProblems) };
  const { tunnels, diagnostics } = normalize(doc);
  const rules = checkRules(doc, tunnels, isSeed(doc.value as RawSpec));
  return { file: source.file, tunnels, diagnostics: sortByPosition([...diagnostics, ...rules]) };
}

/** Several specs compiled together: also refuse one unit name coming from two files. */
export function checkSpecs(sources: SpecText[]): CheckedSpec[] {
  const checked = sources.map(checkSpec);
  const owner = new Map<string, string>();
  for (const spec of checked) {
    for (const t of spec.tunnels) {
      const other = owner.get(t.tunnel.name);
      if (other !== undefined && other !== spec.file) {
        spec.diagnostics.push({
          severity: "error",
          code: "rule/duplicate-name",
          message: `tunnel name "${t.tunnel.name}" is also defined in ${other}: both would write ${t.tunnel.name}.service`,
          location: {
            file: spec.file,
            line: 1,
            column: 1,
            pointer: `${t.pointer}/name`,
            length: 1,
          },
        });
      }
      owner.set(t.tunnel.name, spec.file);
    }
  }
  return checked;
}

function sortByPosition(ds: Diagnostic[]): Diagnostic[] {
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
