// (in progress) A unit file → its ssh command line, as systemd would run it.
import type { Gatherer, Query } from "../edge/query.ts";
import type { Context, SshSource } from "./import-ssh.ts";
import type { ImportChange } from "./changes.ts";
import type { Diagnostic } from "../errors.ts";

export interface UnitInput {
  file: string;
  instances: string[];
  root?: string;
  name?: string;
}

export const unitQueries = (_input: UnitInput): Query[] => [];

export function importUnits(
  _input: UnitInput,
  _gatherer: Gatherer,
  _one: (
    source: SshSource,
    ctx: Context,
  ) => { tunnel: Record<string, unknown>; changes: ImportChange[]; problems: Diagnostic[] },
  _opts: { localName: string; queries: typeof unitQueries },
): { tunnel: Record<string, unknown>; changes: ImportChange[]; problems: Diagnostic[] }[] {
  throw new Error("unit import: not yet");
}
