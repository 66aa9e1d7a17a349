// What ssh reads besides its command line — the key, the pinned host keys, and with jump hosts
// its options as a config file — handed over in the run's own runtime directory, and a state
// directory where accept-new records the keys it learns.
//
// Why not credentials (LoadCredential=, SetCredential=): systemd 252 mounts a file system for each
// unit's credentials (/run/credentials/UNIT), and every running tunnel's mount lengthens the
// mount table each other unit's sandbox set-up reads again and again under one kernel-wide lock.
// Measured on one host: 100 tunnels started at once took 16 s, 150 took 78–91 s with 110–133
// starts killed by TimeoutStartSec=, 200 never came up; handed over this way, 200 took 18 s and 300
// took 30 s (docs/reliability.md "Many tunnels on one host").
//
// So the service manager itself copies them at each start: ExecStartPre= commands with the "+"
// prefix run with full privileges and outside the sandbox (systemd.service(5), "Command lines"),
// so they set up no mount namespace and can read a root-only key; the last one gives the files to
// the run's account (for DynamicUser=, only known once the run has started: the owner of its
// runtime directory). The directory is the run's alone (RuntimeDirectoryMode=0700) and systemd
// removes it, with the copies, when the run stops (systemd.exec(5), RuntimeDirectory=). The text
// files come from the unit itself, as StandardInputText= lines (systemd.exec(5)) that sed writes to
// their files, no shell involved; ssh's own stdin stays /dev/null (ssh(1): -f implies -n).
//
// Root writing into a directory the account owns is safe only while no process of that account
// can touch it: a dynamic account (DynamicUser=) exists only from this run's start, and a user
// unit's "+" commands run as the user anyway. A static account of a system unit ("user" in the
// spec: a real account, maybe logged in) could swap a file there for a link between systemd
// making the directory and the copy, and have root write over a file of its choice (sed's w
// follows links). Those units keep systemd's credentials, whose directory the account cannot
// write, and with them the cost above (usesCredentials, model/accounts.ts).
import { knownHostsPattern } from "../model/host-format.ts";
import type { Tunnel } from "../model/tunnel.ts";
import { usesCredentials } from "../model/accounts.ts";
import { entry, shared, type Entry } from "../unit/model.ts";
import {
  CommandLineBuilder,
  specifier,
  type CommandLine,
  type Part,
  type Word,
} from "../unit/command-line.ts";
import { SED } from "../model/replay-lines.ts";

/** The files, by their names in the runtime directory. */
export const HANDOVER = {
  identity: "ssh-identity",
  knownHosts: "ssh-known-hosts",
  sshConfig: "ssh-config",
} as const;

/** Fixed paths, as units are compiled for packages (usrmerge: /usr/bin on every distro). */
const INSTALL = "/usr/bin/install";
const CHOWN = "/usr/bin/chown";

/** The unit's runtime directory, under /run (or $XDG_RUNTIME_DIR): prefixed, so a tunnel named
 *  like a daemon never takes (and removes at stop) that daemon's directory. */
export function runtimeDirectory(t: Pick<Tunnel, "name">): string {
  return `tunnelc-${t.name}`;
}

/** The runtime directory as a command-line word: %t is the runtime directory root of the unit's
 *  manager (systemd.unit(5) "Specifiers"). */
function runtimeDirWord(t: Pick<Tunnel, "name">): [Part, string] {
  return [specifier("t"), `/${runtimeDirectory(t)}`];
}

/** A file of the runtime directory as a command-line word. */
export function runtimeFile(t: Pick<Tunnel, "name">, file: string): Word {
  const [root, dir] = runtimeDirWord(t);
  return [root, `${dir}/${file}`];
}

/** The directory the files are handed over in, as a specifier and the rest of the path: %d is
 *  the credentials directory (systemd.unit(5) "Specifiers"). */
export function handedDirWord(t: Tunnel): [Part, string] {
  return usesCredentials(t) ? [specifier("d"), ""] : runtimeDirWord(t);
}

/** The same directory in ssh_config(5), through the variable systemd sets (systemd.exec(5)). */
export function handedDirVariable(t: Tunnel): string {
  return usesCredentials(t) ? "${CREDENTIALS_DIRECTORY}" : "${RUNTIME_DIRECTORY}";
}

/** A handed-over file as a command-line word. */
export function handedFile(t: Tunnel, file: string): Word {
  const [root, rest] = handedDirWord(t);
  return [root, `${rest}/${file}`];
}

/** StateDirectory= (relative to /var/lib or ~/.local/state) when ssh must write known_hosts. */
export function stateDirectory(t: Tunnel): string | undefined {
  return t.hostKeyPolicy === "accept-new" ? `tunnelc/${t.name}` : undefined;
}

/** known_hosts lines for the pinned keys, the server's and its jump hosts' (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"). */
export function knownHostsLines(t: Tunnel): string[] {
  return [t.server, ...t.server.jump].flatMap((h) =>
    h.hostKeys.map((key) => `${knownHostsPattern(h.host, h.port)} ${key}`),
  );
}

/** A text file handed over: its name and lines. */
export interface TextFile {
  file: string;
  lines: string[];
  /** The comment above its first line. */
  why: string;
}

/**
 * The StandardInputText= line that carries one line of a text file: "FILE LINE". systemd resolves
 * C-style escapes in it (systemd.exec(5)), so a "\" is doubled: an escaped newline must never
 * start a line of another file. Without trailing white space, which systemd would drop anyway
 * (systemd.syntax(7)) and neither known_hosts nor ssh_config reads (sshd(8), ssh_config(5):
 * fields are separated by white space).
 */
export function tagged(file: string, line: string): string {
  return `${file} ${line}`.trimEnd().replace(/\\/g, "\\\\");
}

/** Whether the unit needs its runtime directory: ssh's log (log-replay.ts), or a file handed over. */
export function needsRuntimeDirectory(t: Tunnel, texts: readonly TextFile[]): boolean {
  if (t.logReplay === true) return true;
  return !usesCredentials(t) && (t.identity !== undefined || texts.length > 0);
}

const RUNTIME_MODE = shared(entry("RuntimeDirectoryMode", "0700"));

export function runtimeDirectoryEntries(t: Tunnel): Entry[] {
  return [entry("RuntimeDirectory", runtimeDirectory(t)), RUNTIME_MODE];
}

const COMMENT = [
  "The key and ssh's files reach the run's account in its runtime directory, copied there at",
  "each start by systemd itself (+: outside the sandbox). Not as credentials: their mount per",
  "unit slows every other unit's start (docs/reliability.md).",
].map((comment) => shared({ comment }));

/**
 * The hand-over: StandardInputText= lines, one per text line tagged with its file, and the
 * ExecStartPre= commands that write the files and give them to the run's account.
 */
export function handoverEntries(t: Tunnel, texts: readonly TextFile[]): Entry[] {
  if (usesCredentials(t)) return credentialEntries(t, texts);
  const commands = handoverCommands(t, texts);
  if (commands.length === 0) return [];
  const out: Entry[] = [...COMMENT];
  for (const { file, lines, why } of texts)
    lines.forEach((line, i) =>
      out.push(entry("StandardInputText", tagged(file, line), i === 0 ? why : undefined)),
    );
  for (const c of commands) out.push(entry("ExecStartPre", c));
  return out;
}

/** The ExecStartPre= commands, in order; none when nothing is handed over. */
export function handoverCommands(t: Tunnel, texts: readonly TextFile[]): CommandLine[] {
  if (usesCredentials(t) || (t.identity === undefined && texts.length === 0)) return [];
  const out: CommandLine[] = [];
  if (t.identity !== undefined) {
    // install -m 0600: ssh refuses a private key others may read (ssh(1) FILES), whatever the
    // mode of the original.
    out.push(
      new CommandLineBuilder()
        .group(INSTALL, "-m", "0600", "--", t.identity, runtimeFile(t, HANDOVER.identity))
        .build("+"),
    );
  }
  if (texts.length > 0) {
    // sed's s///w writes each tagged line, untagged, to its file (sed(1)); -n: nothing else.
    const b = new CommandLineBuilder().group(SED, "-n");
    for (const { file } of texts) b.group("-e", [`s/^${file} //w `, ...runtimeFile(t, file)]);
    out.push(b.build("+"));
  }
  // Everything in the directory to its owner, the run's account (coreutils chown --reference).
  const dir = runtimeDirWord(t);
  out.push(
    new CommandLineBuilder().group(CHOWN, "-R", ["--reference=", ...dir], "--", dir).build("+"),
  );
  return out;
}

/**
 * A static account's files as credentials (systemd.exec(5) "Credentials"): the key read by systemd
 * as root (LoadCredential=), each text file inline (SetCredential=, lines joined by C-style "\n"
 * escapes, which systemd resolves), in a directory the account can read but not write.
 */
function credentialEntries(t: Tunnel, texts: readonly TextFile[]): Entry[] {
  const out: Entry[] = [];
  if (t.identity !== undefined)
    out.push(
      entry(
        "LoadCredential",
        `${HANDOVER.identity}:${t.identity}`,
        "The key reaches ssh as a credential: the account needs no access to the file.",
      ),
    );
  for (const { file, lines, why } of texts)
    out.push(entry("SetCredential", `${file}:${lines.join("\\n")}\\n`, why));
  return out;
}
