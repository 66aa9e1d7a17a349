// What is in a unit directory now, from gathered facts (src/edge/query.ts): the queries that
// read it and what their answers mean. Pure: the gatherer (src/edge/read.ts) does the reading.
import { basename, join } from "node:path";
import { ownershipOf, type Ownership } from "./ownership.ts";
import { RefusedError, SystemError } from "../errors.ts";
import { dirQuery, fileQuery } from "../edge/query.ts";
import type { Facts, FileFact, Query } from "../edge/query.ts";

/**
 * A file's text and mode; neither when it does not exist. A link below --root that leads out of it, or
 * loops, is the tree's problem, refused (exit 1; src/edge/in-root.ts); any other failure is a
 * SystemError.
 */
export function factOf(facts: Facts, path: string, root?: string): FileFact {
  const f = facts.get(fileQuery(path, root));
  if (f.code === "ELOOP" || f.code === "EXDEV")
    throw new RefusedError(`cannot read ${path}: ${f.error}`, "root/link-out", path);
  if (f.error !== undefined) throw new SystemError(`cannot read ${path}: ${f.error}`);
  return f;
}

/** A file's text, undefined when it does not exist (factOf). */
export function textOf(facts: Facts, path: string, root?: string): string | undefined {
  return factOf(facts, path, root).text;
}

export function existingOf(
  facts: Facts,
  paths: string[],
  root?: string,
): Map<string, string | undefined> {
  return new Map(paths.map((p) => [p, textOf(facts, p, root)]));
}

/** The mode of each existing file (a backup keeps it). */
export function modesOf(facts: Facts, paths: string[], root?: string): Map<string, number> {
  return new Map(
    paths.flatMap((p) => {
      const mode = factOf(facts, p, root).mode;
      return mode === undefined ? [] : [[p, mode] as const];
    }),
  );
}

export interface InstalledUnit {
  unit: string;
  path: string;
  text: string;
  ownership: Ownership;
}

/** The .service files a listing of dir found (none when dir does not exist), sorted. */
function serviceFiles(facts: Facts, dir: string, root?: string): string[] {
  const listed = facts.get(dirQuery(dir, root));
  if (listed.names === undefined) {
    if (listed.code === "ENOENT") return [];
    if (listed.code === "ELOOP" || listed.code === "EXDEV")
      throw new RefusedError(`cannot list ${dir}: ${listed.error}`, "root/link-out", dir);
    throw new SystemError(`cannot list ${dir}: ${listed.error}`);
  }
  return listed.names.filter((f) => f.endsWith(".service")).map((f) => join(dir, f));
}

/** Second round: read what the listing of each dir found. */
export function serviceFileQueries(facts: Facts, dirs: string[], root?: string): Query[] {
  return dirs.flatMap((d) => serviceFiles(facts, d, root).map((f) => fileQuery(f, root)));
}

/** Every .service file in dir that tunnelc generated, sorted by name. */
export function ownedUnits(facts: Facts, dir: string, root?: string): InstalledUnit[] {
  return serviceFiles(facts, dir, root).flatMap((path) => {
    const text = textOf(facts, path, root);
    if (text === undefined) return [];
    const ownership = ownershipOf(text);
    return ownership.owned ? [{ unit: basename(path), path, text, ownership }] : [];
  });
}
