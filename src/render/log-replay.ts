// ssh's log, replayed into the journal with the fix for a refused relay port (v1 tunnels with a
// remote TCP forward: Tunnel.logReplay).
//
// A refused relay port is the one failure the device can explain but ssh does not: the relay most
// likely still holds the port for the device's dead session (src/model/stale-port.ts). So ssh
// logs to a file of the run (ssh(1) -E), in a RuntimeDirectory= of the unit, and once ssh has
// exited ExecStopPost= (which runs after a failed start too, systemd.service(5)) has sed print
// the file to the journal and, after a "remote port forwarding failed for listen port N" line,
// one line with the port and the fix. No shell: sed's own s///p is the condition.
//
// Why not ssh's stderr (StandardError=truncate:…, keeping ssh's argv): systemd opens stdio before
// it creates RuntimeDirectory= (the start fails, status=222/STDERR), and with -y ssh writes
// nothing to stderr; ssh refuses -y together with -E. The seed form keeps its -y (ssh's lines
// reach the journal as they are logged) and gets no hint line.
import { CommandLineBuilder, type CommandLine, type Word } from "../unit/command-line.ts";
import { entry, shared, type Entry } from "../unit/model.ts";
import { STALE_PORT } from "../model/stale-port.ts";
import { LOG_FILE, SED } from "../model/replay-lines.ts";
import type { Tunnel } from "../model/tunnel.ts";
import { runtimeFile } from "./handover.ts";

/** ssh -E's argument, in the unit's runtime directory (handover.ts). */
export function sshLogPath(t: Pick<Tunnel, "name">): Word {
  return runtimeFile(t, LOG_FILE);
}

/** sed(1) BRE: the characters that are special in a pattern, and "|", the s command's delimiter. */
const bre = (text: string) => text.replace(/[\\.[\]*^$|]/g, (c) => `\\${c}`);
/** sed(1) replacement: "\", "&" and the delimiter. */
const replacement = (text: string) => text.replace(/[\\&|]/g, (c) => `\\${c}`);

/**
 * The s command that turns ssh's refusal into the hint line. "<4>" makes the line a warning
 * (systemd.exec(5), SyslogLevelPrefix=, on by default); the journal drops the prefix.
 */
export const HINT_COMMAND = (() => {
  const [before, after] = STALE_PORT.hint.split("{port}") as [string, string];
  const hint = `<4>${STALE_PORT.journalPrefix}${replacement(before)}\\1${replacement(after)}`;
  return `s|.*${bre(STALE_PORT.sshSays)}\\([0-9][0-9]*\\).*|${hint}|p`;
})();

const COMMENT = [
  "ssh logs to a file of this run (ssh -E above); once it exits, even from a failed start,",
  "sed copies the file to the journal and, after a refused relay port, adds the fix.",
].map((comment) => shared({ comment }));
// The replayed lines read as ssh's own, as they do with ssh -y (the seed form).
const IDENTIFIER = shared(entry("SyslogIdentifier", "ssh"));

/** The replay's command line, for the entry below and for tests that parse it with systemd. */
export function logReplayCommand(t: Pick<Tunnel, "name">): CommandLine {
  return new CommandLineBuilder()
    .group(SED, "-n", "-e", "p", "-e", HINT_COMMAND)
    .group(sshLogPath(t))
    .build("-");
}

export function logReplayEntries(t: Tunnel): Entry[] {
  if (t.logReplay !== true) return [];
  return [...COMMENT, IDENTIFIER, entry("ExecStopPost", logReplayCommand(t))];
}
