// What is in a unit directory now, from gathered facts (src/plan/query.ts): the queries that
// read it and what their answers mean. Pure: the gatherer (src/plan/read.ts) does the reading.
import { basename, join } from "node:path";
import { ownershipOf, type Ownership } from "./ownership.ts";
import { SystemError } from "../errors.ts";
import type { Facts, Query } from "../plan/query.ts";

export const fileQuery = (path: string) => ({ kind: "file", path }) as const;
export const dirQuery = (path: string) => ({ kind: "dir", path }) as const;

/** A file's text, undefined when it does not exist; any other failure is a SystemError. */
export function textOf(facts: Facts, path: string): string | undefined {
  const f = facts.get(fileQuery(path));
  if (f.error !== undefined) throw new SystemError(`cannot read ${path}: ${f.error}`);
  return f.text;
}

export function existingOf(facts: Facts, paths: string[]): Map<string, string | undefined> {
  return new Map(paths.map((p) => [p, textOf(facts, p)]));
}

export interface InstalledUnit {
  unit: string;
  path: string;
  text: string;
  ownership: Ownership;
}

/** The .service files a listing of dir found (none when dir does not exist), sorted. */
function serviceFiles(facts: Facts, dir: string): string[] {
  const listed = facts.get(dirQuery(dir));
  if (listed.names === undefined) {
    if (listed.code === "ENOENT") return [];
    throw new SystemError(`cannot list ${dir}: ${listed.error}`);
  }
  return listed.names.filter((f) => f.endsWith(".service")).map((f) => join(dir, f));
}

/** Second round: read what the listing of each dir found. */
export function serviceFileQueries(facts: Facts, dirs: string[]): Query[] {
  return dirs.flatMap((d) => serviceFiles(facts, d).map(fileQuery));
}

/** Every .service file in dir that tunnelc generated, sorted by name. */
export function ownedUnits(facts: Facts, dir: string): InstalledUnit[] {
  return serviceFiles(facts, dir).flatMap((path) => {
    const text = textOf(facts, path);
    if (text === undefined) return [];
    const ownership = ownershipOf(text);
    return ownership.owned ? [{ unit: basename(path), path, text, ownership }] : [];
  });
}
