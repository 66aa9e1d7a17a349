// The I/O edge of install/uninstall/status: what is in a unit directory now.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ownershipOf, type Ownership } from "./ownership.ts";
import { SystemError } from "../errors.ts";
import { reason } from "../specfile/read.ts";

export function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new SystemError(`cannot read ${path}: ${reason(e)}`);
  }
}

export function readExisting(paths: string[]): Map<string, string | undefined> {
  return new Map(paths.map((p) => [p, readIfExists(p)]));
}

export interface InstalledUnit {
  unit: string;
  path: string;
  text: string;
  ownership: Ownership;
}

/** Every .service file in dir that tunnelc generated, sorted by name. */
export function ownedUnits(dir: string): InstalledUnit[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((f) => f.endsWith(".service"))
      .sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new SystemError(`cannot list ${dir}: ${reason(e)}`);
  }
  return names.flatMap((unit) => {
    const path = join(dir, unit);
    const text = readIfExists(path);
    if (text === undefined) return [];
    const ownership = ownershipOf(text);
    return ownership.owned ? [{ unit, path, text, ownership }] : [];
  });
}
