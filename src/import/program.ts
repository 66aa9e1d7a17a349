// The program a tunnel's command line runs → ssh's own arguments. ssh runs as it is; autossh
// (its -M, -f and AUTOSSH_* environment, autossh(1)) and sshpass (a password) are taken off,
// each reported; `env VAR=… PROGRAM` and leading VAR=… words set the environment autossh reads.
import { scanSsh, SSH_OPTSTRING } from "./ssh-getopt.ts";
import type { ChangeKind } from "./changes.ts";

export interface ProgramNote {
  kind: ChangeKind;
  what: string;
  reason: string;
  instead?: string;
  /** The argv index it is about. */
  index: number;
}

export interface Unwrapped {
  /** ssh's arguments, without the program. */
  args: string[];
  /** The argv index each of args came from. */
  origin: number[];
  /** An ssh binary named other than by its plain name (/usr/local/bin/ssh, AUTOSSH_PATH). */
  sshPath?: string;
  /** Whether the original logged in with a password (sshpass). */
  password: boolean;
  notes: ProgramNote[];
  problems: { index: number; message: string }[];
}

const basename = (p: string) => p.slice(p.lastIndexOf("/") + 1);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

const RESTARTS =
  "systemd restarts the tunnel in autossh's place (Restart=, RestartSec=), and ssh's keep-alives, which tunnelc sets, notice a dead connection";

/** autossh(1) ENVIRONMENT: what each of its variables did, all of it now systemd's or ssh's. */
const AUTOSSH_ENV: Readonly<Record<string, string>> = {
  AUTOSSH_GATETIME: RESTARTS,
  AUTOSSH_POLL: RESTARTS,
  AUTOSSH_FIRST_POLL: RESTARTS,
  AUTOSSH_MAXSTART: RESTARTS,
  AUTOSSH_MAXLIFETIME: "a tunnel is kept up for as long as it is enabled",
  AUTOSSH_PORT: RESTARTS,
  AUTOSSH_MESSAGE: RESTARTS,
  AUTOSSH_LOGFILE: "ssh's log goes to the journal, under the unit",
  AUTOSSH_LOGLEVEL: "ssh's log goes to the journal, under the unit",
  AUTOSSH_DEBUG: "ssh's log goes to the journal, under the unit",
  AUTOSSH_PIDFILE: "systemd knows the tunnel's process",
  AUTOSSH_NTSERVICE: "Windows only",
};

/** sshpass(1)'s options: a letter before ":" takes an argument. */
const SSHPASS_OPTSTRING = "f:d:p:P:evhV";

export function unwrapProgram(
  argv: readonly string[],
  environment: Readonly<Record<string, string>>,
): Unwrapped {
  const env: Record<string, { value: string; index: number }> = {};
  for (const [k, v] of Object.entries(environment)) env[k] = { value: v, index: 0 };
  const out: Unwrapped = { args: [], origin: [], password: false, notes: [], problems: [] };
  let i = 0;
  // `env A=B prog` and `A=B prog`, as a shell or env(1) runs them.
  for (;;) {
    const word = argv[i];
    if (word === undefined) break;
    if (basename(word) === "env" && i === 0) {
      i++;
      continue;
    }
    if (ASSIGNMENT.test(word)) {
      const eq = word.indexOf("=");
      env[word.slice(0, eq)] = { value: word.slice(eq + 1), index: i };
      i++;
      continue;
    }
    break;
  }
  const program = argv[i];
  if (program === undefined) {
    out.problems.push({ index: i, message: "no command: give the ssh or autossh command line" });
    return out;
  }
  const name = basename(program);
  if (name === "sshpass") {
    out.password = true;
    out.notes.push({
      kind: "dropped",
      what: "sshpass and its password",
      reason:
        "a password in a command line or a file is readable by whoever reads them, and a service cannot type one: tunnelc logs in with a key (BatchMode=yes)",
      instead:
        "tunnelc keygen NAME, then add its line to the server's authorized_keys (tunnelc relay)",
      index: i,
    });
    const scanned = scanSsh(argv.slice(i + 1), SSHPASS_OPTSTRING);
    if (scanned.destination === undefined) {
      out.problems.push({ index: i, message: "sshpass runs no command" });
      return out;
    }
    // sshpass's command: the word after its options, and everything after that.
    const base = i + 1 + scanned.destination.index;
    const inner = unwrapProgram(argv.slice(base), environment);
    return {
      ...inner,
      origin: inner.origin.map((o) => o + base),
      password: true,
      notes: [...out.notes, ...inner.notes.map((n) => ({ ...n, index: n.index + base }))],
      problems: inner.problems.map((p) => ({ ...p, index: p.index + base })),
    };
  }
  if (name === "autossh") return autossh(argv, i, env, out);
  if (name !== "ssh") {
    out.problems.push({
      index: i,
      message: `${program} is not ssh, autossh or sshpass: import reads the ssh command line itself (tunnelc import -- ssh …)`,
    });
    return out;
  }
  if (program !== "ssh" && program !== "/usr/bin/ssh") out.sshPath = program;
  out.args = argv.slice(i + 1);
  out.origin = out.args.map((_, k) => i + 1 + k);
  return out;
}

function autossh(
  argv: readonly string[],
  at: number,
  env: Record<string, { value: string; index: number }>,
  out: Unwrapped,
): Unwrapped {
  out.notes.push({
    kind: "changed",
    what: "autossh",
    reason: RESTARTS,
    index: at,
  });
  for (const [k, { value, index }] of Object.entries(env)) {
    if (k === "AUTOSSH_PATH") {
      if (value !== "/usr/bin/ssh") out.sshPath = value;
      continue;
    }
    const reason = AUTOSSH_ENV[k];
    if (reason !== undefined)
      out.notes.push({ kind: "dropped", what: `${k}=${value}`, reason, index });
  }
  // autossh takes -M PORT[:ECHO], -f and -V for itself and hands the rest to ssh (autossh.c);
  // a "--" ends its own options, and all after it are ssh's.
  if (argv[at + 1] === "--") {
    out.args = argv.slice(at + 2);
    out.origin = out.args.map((_, k) => at + 2 + k);
    return out;
  }
  const words = argv.slice(at + 1);
  const optstring = `M:${SSH_OPTSTRING.replace("M", "")}`;
  const scanned = scanSsh(words, optstring);
  const mine = new Set<number>();
  for (const o of scanned.options) {
    if (o.flag === "M") {
      out.notes.push({
        kind: "dropped",
        what: `autossh -M ${o.value ?? ""}`,
        reason:
          o.value === "0"
            ? RESTARTS
            : `autossh's monitoring (a loop of forwards through port ${o.value ?? ""}) is replaced: ${RESTARTS}`,
        index: at + 1 + o.index,
      });
      mine.add(o.index);
      if (o.separate === true) mine.add(o.index + 1);
    }
    if (o.flag === "f" || o.flag === "V") {
      if (o.flag === "f")
        out.notes.push({
          kind: "dropped",
          what: "autossh -f",
          reason:
            "autossh's -f puts autossh in the background; the unit's ssh forks itself (-f) once the forwards are up",
          index: at + 1 + o.index,
        });
    }
  }
  // Rebuild ssh's words without autossh's own options (a group such as -fN keeps its -N).
  const args: string[] = [];
  const origin: number[] = [];
  const push = (k: number, ...ws: string[]) => {
    for (const w of ws) {
      args.push(w);
      origin.push(at + 1 + k);
    }
  };
  for (let k = 0; k < words.length; k++) {
    if (mine.has(k)) continue;
    const word = words[k] as string;
    const opts = scanned.options.filter((o) => o.index === k);
    if (opts.length === 0 || !opts.some((o) => ["M", "f", "V"].includes(o.flag))) {
      push(k, word);
      continue;
    }
    for (const o of opts) {
      if (["M", "f", "V"].includes(o.flag)) continue;
      push(k, `-${o.flag}`, ...(o.value !== undefined ? [o.value] : []));
      if (o.separate === true) mine.add(k + 1);
    }
  }
  out.args = args;
  out.origin = origin;
  return out;
}
