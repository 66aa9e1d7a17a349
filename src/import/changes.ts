// What an import reports besides the spec: each thing tunnelc adds, changes or does not carry
// over, with the reason and the closest safe form, and where in the original it came from. The
// round trip (test/import-corpus.test.ts) holds every difference `ssh -G` shows to one of these.
import type { SourceLocation } from "../errors.ts";

export type ChangeKind =
  /** tunnelc sets it, whatever the original said (BatchMode, ExitOnForwardFailure, -f…). */
  | "added"
  /** Carried over in another, safer form (StrictHostKeyChecking=no → accept-new). */
  | "changed"
  /** Not carried over, with the reason (ControlMaster, autossh -M, After=…). */
  | "dropped";

export interface ImportChange {
  kind: ChangeKind;
  /** What it is about, as the original or ssh -G spells it: "StrictHostKeyChecking=no". */
  what: string;
  /** Why. */
  reason: string;
  /** The closest safe form, when there is one to act on. */
  instead?: string;
  /** The `ssh -G` keywords whose values this explains (lower case). */
  keys: string[];
  location: SourceLocation;
}

/** Where a problem or change is, before its length is known. */
export type Place = Omit<SourceLocation, "length"> & { length?: number };

export function located(p: Place): SourceLocation {
  return { ...p, length: p.length ?? 1 };
}
