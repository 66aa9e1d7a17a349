// The import's own round trip: `ssh -G` of the compiled tunnel against `ssh -G` of the original.
// Every keyword that differs must be one the import reported (changes.ts) or one tunnelc sets
// itself (ssh-rules.ts); anything else is tunnelc's mistake, and the import stops rather than
// hand over a spec that means something else to OpenSSH.
import { located, type ImportChange, type Place } from "./changes.ts";
import { differingKeys, type SshDump } from "./ssh-dump.ts";
import { SPEC_KEY_REASONS, SSH_RULES, shown, spelling } from "./ssh-rules.ts";

export interface Explained {
  added: ImportChange[];
  /** Keywords no change or rule explains. */
  unexplained: string[];
}

/** Keywords that name the command line, not what the connection does. */
const NOT_SETTINGS = new Set(["host"]);

export function explain(
  original: SshDump,
  compiled: SshDump,
  reported: readonly ImportChange[],
  place: (keyword: string) => Place,
): Explained {
  const covered = new Set(reported.flatMap((c) => c.keys));
  const added: ImportChange[] = [];
  const unexplained: string[] = [];
  for (const key of differingKeys(original, compiled)) {
    if (NOT_SETTINGS.has(key) || covered.has(key)) continue;
    const rule = SSH_RULES[key];
    const reason = rule?.action === "tunnelc" ? rule.reason : SPEC_KEY_REASONS[key];
    if (reason === undefined) {
      unexplained.push(key);
      continue;
    }
    // The compiled key is the run's copy, which does not exist here: ssh -G lists its defaults.
    const value =
      key === "identityfile" ? "(the run's copy of the key)" : shown(compiled.get(key) ?? []);
    added.push({
      kind: "added",
      what: `${spelling(key)} ${value}`,
      reason,
      keys: [key],
      location: located(place(key)),
    });
  }
  return { added, unexplained };
}
