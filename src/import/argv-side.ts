// ssh's arguments → what `ssh -G` is asked, and what tunnelc reads itself: the keys (-i: ssh -G
// drops a key file that is not there), a remote command, and the flags that are not options at
// all (ssh(1): -E, -y, -W, -O, -Q, -s, -V, -G).
import { scanSsh, withoutOptions, type ScannedArgv } from "./ssh-getopt.ts";
import type { ProgramNote } from "./program.ts";

export interface ArgvSide {
  scanned: ScannedArgv;
  /** The arguments `ssh -G` is given: the original's, without -i, -E, -y, -f's siblings that act. */
  dumpArgs: string[];
  identities: { path: string; index: number }[];
  loginInArgv: boolean;
  notes: ProgramNote[];
  problems: { index: number; message: string }[];
}

/** Flags that make ssh do something other than keep a connection, and why import stops there. */
const NOT_A_TUNNEL: Readonly<Record<string, string>> = {
  W: "-W forwards standard input and output (a ProxyCommand helper), not ports",
  O: "-O sends a command to a running master connection",
  Q: "-Q lists what ssh supports and exits",
  s: "-s starts a subsystem: a session, not only forwards",
  V: "-V prints ssh's version and exits",
  G: "-G prints the configuration and exits",
};

/** ssh -G keyword → the flags that set it (ssh(1)), to point at the word a keyword came from. */
export const FLAG_OF: Readonly<Record<string, string>> = {
  remoteforward: "R",
  localforward: "L",
  dynamicforward: "D",
  port: "p",
  user: "l",
  proxyjump: "J",
  identityfile: "i",
  compression: "C",
  forwardagent: "A",
  forwardx11: "X",
  gatewayports: "g",
  requesttty: "t",
  sessiontype: "N",
  controlmaster: "M",
  controlpath: "S",
  escapechar: "e",
  tunnel: "w",
  bindaddress: "b",
  bindinterface: "B",
  ciphers: "c",
  macs: "m",
  forkafterauthentication: "f",
  pkcs11provider: "I",
};

export function readArgv(args: readonly string[]): ArgvSide {
  const scanned = scanSsh(args);
  const notes: ProgramNote[] = [];
  const problems = [...scanned.problems];
  for (const o of scanned.options) {
    const why = NOT_A_TUNNEL[o.flag];
    if (why !== undefined) problems.push({ index: o.index, message: why });
    if (o.flag === "E" || o.flag === "y")
      notes.push({
        kind: "changed",
        what: o.flag === "E" ? `-E ${o.value ?? ""}` : "-y",
        reason:
          "ssh's log goes to the journal, under the unit (tunnelc's own -E or -y; docs/unit.md)",
        index: o.index,
      });
  }
  if (scanned.destination === undefined)
    problems.push({
      index: args.length,
      message: "no destination: ssh's command line names no host",
    });
  if (scanned.command !== undefined)
    problems.push({
      index: scanned.command.index,
      message: `a remote command (${scanned.command.words.join(" ")}): a tunnel runs none (ssh -N); tunnelc keeps only the forwards`,
    });
  const identities = scanned.options
    .filter((o) => o.flag === "i" && o.value !== undefined)
    .map((o) => ({ path: o.value as string, index: o.index }));
  const loginInArgv =
    scanned.options.some(
      (o) => o.flag === "l" || (o.flag === "o" && /^\s*user\s*[= ]/i.test(o.value ?? "")),
    ) ||
    (scanned.destination?.text.includes("@") ?? false);
  // -E opens a log file and -y logs to syslog even under -G; -i is read by tunnelc itself.
  const dumpArgs = withoutOptions(args, scanned, (o) => ["i", "E", "y", "G"].includes(o.flag));
  return { scanned, dumpArgs, identities, loginInArgv, notes, problems };
}

/** The index of the word that sets an ssh -G keyword (its flag or an -o Keyword=…), if any. */
export function wordOf(scanned: ScannedArgv, keyword: string): number | undefined {
  const flag = FLAG_OF[keyword];
  for (const o of scanned.options) {
    if (flag !== undefined && o.flag === flag) return o.index;
    if (o.flag === "o" && o.value?.toLowerCase().replace(/[\s=].*$/, "") === keyword)
      return o.index;
  }
  return scanned.destination?.index;
}
