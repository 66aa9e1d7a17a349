// Specs named on the command line, or every spec in the default directory; read by a gatherer.
import { join } from "node:path";
import { defaultSpecDir, type Target } from "../install/paths.ts";
import { SystemError } from "../errors.ts";
import type { SpecText } from "../specfile/source.ts";
import type { Gatherer } from "../plan/query.ts";

export function specFiles(
  given: string[] | undefined,
  target: Target,
  specDir: string | undefined,
  gatherer: Gatherer,
): { files: string[]; dir?: string } {
  if (given && given.length > 0) return { files: given };
  const dir = specDir ?? defaultSpecDir(target);
  const q = { kind: "dir", path: dir } as const;
  const listed = gatherer.gather([q]).get(q);
  if (listed.names === undefined)
    throw new SystemError(`cannot list specs in ${dir}: ${listed.error}`);
  const files = listed.names.filter((f) => f.endsWith(".json")).map((f) => join(dir, f));
  return { files, dir };
}

const specQuery = (file: string) => ({ kind: "spec", file }) as const;

/** The spec texts, in order; the first that cannot be read ends the command (specfile/read.ts). */
export function loadSpecs(files: string[], gatherer: Gatherer): SpecText[] {
  const facts = gatherer.gather(files.map(specQuery));
  return files.map((f) => facts.get(specQuery(f)));
}
