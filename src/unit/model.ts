// A unit file as data: ordered sections, each an ordered list of entries (keys may repeat, as
// systemd.syntax(7) allows) and comments. Conversion builds this; render.ts writes it.
import type { CommandLine } from "./command-line.ts";

export type Value = string | CommandLine;

export type Entry = { key: string; value: Value; comment?: string } | { comment: string };

export interface Section {
  name: string;
  entries: Entry[];
}

export interface UnitFile {
  /** Comment lines at the top of the file, without the leading "# ". */
  header: string[];
  sections: Section[];
}

export function section(name: string, entries: Entry[]): Section {
  return { name, entries };
}

export function entry(key: string, value: Value, comment?: string): Entry {
  return comment === undefined ? { key, value } : { key, value, comment };
}

/**
 * An entry built once and put in many units (a hardening directive, a fixed dependency): frozen,
 * so render.ts may keep its rendered text and escape it only once per run, not once per unit.
 */
export function shared<E extends Entry>(e: E): Readonly<E> {
  return Object.freeze(e);
}

export function isCommandLine(v: Value): v is CommandLine {
  return typeof v !== "string";
}
