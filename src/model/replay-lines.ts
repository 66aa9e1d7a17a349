// The lines a unit's log replay (src/render/log-replay.ts) adds to the journal itself, told apart
// from ssh's own lines by the readers of the journal (journal.ts). Pure.
import { isJournalHint } from "./stale-port.ts";

/** A fixed path, as units are compiled for packages (usrmerge: /usr/bin on every distro). */
export const SED = "/usr/bin/sed";
/** ssh -E's file in the unit's runtime directory. */
export const LOG_FILE = "ssh.log";

/**
 * A line the replay adds, not ssh: the hint, or sed's complaint (in the locale's words) when ssh
 * never opened its log, having failed before (no executable, an option it does not know). No
 * ExecStartPre= creates the file: that would be one more sandboxed process, about 0.1 s, on
 * every start.
 */
export function isReplayLine(line: string): boolean {
  return isJournalHint(line) || (line.startsWith(`${SED}: `) && line.includes(`/${LOG_FILE}`));
}
