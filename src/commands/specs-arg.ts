// Specs named on the command line, or every spec in the default directory; read by a gatherer.
import { defaultSpecDir, type Target } from "../install/paths.ts";
import { SystemError, type Diagnostic } from "../errors.ts";
import type { SpecText } from "../specfile/source.ts";
import type { Gatherer, Query } from "../edge/query.ts";

export interface FoundSpecs {
  specs: SpecText[];
  /** The directory read, when no spec was named. */
  dir?: string;
  /** Entries of that directory that were not read, or were refused (src/edge/generator-edge.ts). */
  problems: Diagnostic[];
}

/**
 * The named specs, each the caller's choice; else every spec of --spec-dir or of the target's
 * default directory, read as the generator reads its own. The default directory of a live
 * target is one tunnelc finds by itself: a spec there that someone other than root (or, for
 * --user, the user) could write is refused (src/specfile/trust.ts). --spec-dir is the caller's
 * choice, and a --root tree belongs to the machine it is built for, which checks at boot.
 */
export function findSpecs(
  given: string[] | undefined,
  target: Target,
  specDir: string | undefined,
  gatherer: Gatherer,
): FoundSpecs {
  if (given && given.length > 0) return { specs: loadSpecs(given, gatherer), problems: [] };
  const dir = specDir ?? defaultSpecDir(target);
  const listing = { kind: "dir", path: dir } as const;
  const listed = gatherer.gather([listing]).get(listing);
  if (listed.names === undefined)
    throw new SystemError(`cannot list specs in ${dir}: ${listed.error}`);
  const trusted = specDir === undefined && target.root === undefined;
  const q: Query & { kind: "spec-dirs" } = {
    kind: "spec-dirs",
    dirs: [dir],
    ...(trusted && { trust: target.user ? "user" : "system" }),
  };
  const read = gatherer.gather([q]).get(q);
  const found = read.dirs.flatMap((d) => d.specs);
  return {
    specs: found.filter((s) => s.refused === undefined),
    dir,
    problems: [...read.problems, ...found.flatMap((s) => (s.refused ? [s.refused] : []))],
  };
}

const specQuery = (file: string) => ({ kind: "spec", file }) as const;

/** The spec texts, in order; the first that cannot be read ends the command (specfile/read.ts). */
export function loadSpecs(files: string[], gatherer: Gatherer): SpecText[] {
  const facts = gatherer.gather(files.map(specQuery));
  return files.map((f) => facts.get(specQuery(f)));
}
