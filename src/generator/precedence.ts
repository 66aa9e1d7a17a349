// Which spec file of a name wins across the spec directories. Pure.
import { basename } from "node:path";
import type { SpecText } from "../specfile/source.ts";

import type { ReadSpec, SpecDir } from "../edge/generator-edge.ts";

export type { ReadSpec, SpecDir };

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
