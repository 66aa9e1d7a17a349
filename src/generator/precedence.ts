// Which spec file of a name wins across the spec directories. Pure.
import { basename } from "node:path";
import type { SpecText } from "../specfile/source.ts";
import type { Diagnostic } from "../errors.ts";

export interface SpecDir {
  dir: string;
  /** The directory's *.json files, read. */
  specs: ReadSpec[];
}

export interface ReadSpec extends SpecText {
  /**
   * Why the spec is refused unread or unused: someone other than its trusted owners could
   * write it (src/specfile/trust.ts). A refused spec overrides and masks nothing.
   */
  refused?: Diagnostic;
}

export interface ChosenSpec {
  spec: SpecText;
  /** Files of the same name in lower-priority directories, which this one overrides. */
  overrides: string[];
  /** An empty file (or a link to /dev/null) masks the name, as for unit files. */
  masked: boolean;
}

/** dirs highest priority first; the result is sorted by file name, so output is deterministic. */
export function chooseSpecs(dirs: SpecDir[]): ChosenSpec[] {
  const byName = new Map<string, ChosenSpec>();
  for (const d of dirs) {
    for (const spec of d.specs) {
      if (spec.refused) continue;
      const name = basename(spec.file);
      const winner = byName.get(name);
      if (winner) winner.overrides.push(spec.file);
      else byName.set(name, { spec, overrides: [], masked: spec.text.trim() === "" });
    }
  }
  return [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
}
