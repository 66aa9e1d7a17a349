// One ssh command line or ssh_config host → one tunnel, in the steps the command runs between its
// reads: what to ask `ssh -G` about the original, then about OpenSSH's defaults for its host,
// the spec built from those, and last the compiled tunnel's own `ssh -G`, which must differ from
// the original only where the import said so (explain.ts). Pure: the command does the asking.
import { TUNNEL_NAME } from "../model/tunnel.ts";
import type { Diagnostic } from "../errors.ts";
import type { SchemaTunnel } from "../specfile/generated/schema-types.ts";
import { buildModel } from "../model/build-model.ts";
import { sshCommandLine } from "../render/ssh-argv.ts";
import { expandWords } from "../unit/command-line.ts";
import { located, type ImportChange, type Place } from "./changes.ts";
import { readArgv, wordOf, type ArgvSide } from "./argv-side.ts";
import { unwrapProgram, type Unwrapped } from "./program.ts";
import { one, type SshDump } from "./ssh-dump.ts";
import { specFromSsh, type Account } from "./spec-from-ssh.ts";
import { explain } from "./explain.ts";
import { configPlace } from "./places.ts";
import { scanSsh, withoutOptions } from "./ssh-getopt.ts";

/** Where the ssh command comes from. */
export type SshSource =
  | {
      kind: "argv";
      /** The whole command line (program included), as systemd or a shell would run it. */
      argv: string[];
      environment: Readonly<Record<string, string>>;
      /** The place of argv[i]. */
      place: (index: number) => Place;
    }
  | { kind: "config"; file: string; text: string; host: string };

export interface Read {
  source: SshSource;
  unwrapped?: Unwrapped;
  argv?: ArgvSide;
  problems: Diagnostic[];
  changes: ImportChange[];
}

const problemAt = (
  message: string,
  place: Place,
  code: "import/cannot-express" | "import/unexplained" = "import/cannot-express",
): Diagnostic => ({
  severity: "error",
  code,
  message,
  location: located(place),
});

/** Step 1: read what tunnelc reads itself, and what `ssh -G` is asked about the original. */
export function readSource(source: SshSource): Read & { dumpArgv?: string[] } {
  if (source.kind === "config")
    return {
      source,
      problems: [],
      changes: [],
      dumpArgv: ["ssh", "-G", "-F", source.file, "--", source.host],
    };
  const unwrapped = unwrapProgram(source.argv, source.environment);
  const at = (i: number) => source.place(i);
  const problems = unwrapped.problems.map((p) => problemAt(p.message, at(p.index)));
  const changes: ImportChange[] = unwrapped.notes.map(({ index, ...n }) => ({
    ...n,
    keys: [],
    location: located(at(index)),
  }));
  if (problems.length > 0) return { source, unwrapped, problems, changes };
  const argv = readArgv(unwrapped.args);
  const shift = (i: number) => at(unwrapped.origin[i] ?? unwrapped.origin.length);
  problems.push(...argv.problems.map((p) => problemAt(p.message, shift(p.index))));
  changes.push(
    ...argv.notes.map(({ index, ...n }) => ({ ...n, keys: [], location: located(shift(index)) })),
  );
  if (problems.length > 0) return { source, unwrapped, argv, problems, changes };
  // -F /dev/null: the command line alone, not this account's ~/.ssh/config or the system's
  // (the tunnel's own account reads the system's as before); a later -F of the original wins.
  return {
    source,
    unwrapped,
    argv,
    problems,
    changes,
    dumpArgv: ["ssh", "-G", "-F", "/dev/null", ...argv.dumpArgs],
  };
}

/** Step 2: OpenSSH's defaults for the host the original resolved to. */
export function defaultsArgv(original: SshDump): string[] {
  return ["ssh", "-G", "-F", "/dev/null", "--", one(original, "hostname") ?? ""];
}

export interface Context {
  /** --name, or the unit's; else the host as the original names it. */
  name?: string;
  account: Account;
  /** The local account's name, to tell a login given from ssh's default of it. */
  localName: string;
}

export interface Built {
  tunnel: SchemaTunnel;
  changes: ImportChange[];
  problems: Diagnostic[];
  place: (keyword: string) => Place;
  /** `ssh -G` for the compiled tunnel, when the spec is sound. */
  compiledArgv?: string[];
}

/** Step 3: the tunnel, and what to ask `ssh -G` about its compiled command line. */
export function buildTunnel(read: Read, original: SshDump, defaults: SshDump, ctx: Context): Built {
  const { source } = read;
  const place = (keyword: string): Place => {
    if (source.kind === "config")
      return configPlace(source.file, source.text, keyword, source.host);
    const index = read.argv !== undefined ? wordOf(read.argv.scanned, keyword) : undefined;
    return source.place(read.unwrapped?.origin[index ?? 0] ?? 0);
  };
  // -i first (taken off what ssh -G was asked, which drops a missing file); else the keys a
  // config names (ssh -G lists those whether or not they exist).
  const given =
    source.kind === "config"
      ? []
      : (read.argv?.identities ?? []).map((i) => ({
          path: i.path,
          place: source.place(read.unwrapped?.origin[i.index] ?? 0),
        }));
  const identities =
    given.length > 0
      ? given
      : configIdentities(original, defaults).map((path) => ({
          path,
          place: place("identityfile"),
        }));
  const loginGiven = (read.argv?.loginInArgv ?? false) || one(original, "user") !== ctx.localName;
  const name = ctx.name ?? nameOfHost(one(original, "host") ?? "");
  const built = specFromSsh(
    name,
    { dump: original, defaults, loginGiven, identities, place },
    { ...ctx.account, ...(read.unwrapped?.password === true && { password: true }) },
  );
  const tunnel = built.tunnel;
  if (read.unwrapped?.sshPath !== undefined)
    tunnel.ssh = { ...tunnel.ssh, path: read.unwrapped.sshPath };
  const changes = [...read.changes, ...built.changes].map((c) =>
    c.instead === undefined ? c : { ...c, instead: c.instead.replace(/\bNAME\b/g, name) },
  );
  const problems = [...read.problems, ...built.diagnostics];
  if (!TUNNEL_NAME.test(name))
    problems.push(
      problemAt(
        `"${name}" is not a tunnel name (letters, digits, "_", "." and "-", starting with a letter, digit or "_"): give one with --name`,
        place("host"),
      ),
    );
  if (problems.length > 0) return { tunnel, changes, problems, place };
  // The spec must be one tunnelc takes; a refusal here is a value the original had that the
  // spec cannot hold, told at the place it came from.
  const checked = buildModel([{ file: name, text: JSON.stringify(tunnel) }]);
  const errors = checked.diagnostics.filter((d) => d.severity === "error");
  const model = checked.tunnels[0]?.tunnel;
  if (errors.length > 0 || model === undefined)
    return {
      tunnel,
      changes,
      problems: errors.map((d) =>
        problemAt(
          `${d.message} (spec field ${d.location.pointer})`,
          place(keywordOf(d.location.pointer)),
        ),
      ),
      place,
    };
  // %t and %S as a system manager sets them (systemd.unit(5) "Specifiers"); -E, -y and -i as
  // for the original; the handed-over config (-F, with jump hosts) repeats the -o options, which
  // win over any config file anyway (ssh_config(5): the first value obtained is used).
  const words = expandWords(sshCommandLine(model), {
    t: "/run",
    S: "/var/lib",
    d: "/run/credentials",
  }).slice(1);
  const scanned = scanSsh(words);
  const args = withoutOptions(words, scanned, (o) => ["i", "E", "y", "F"].includes(o.flag));
  return {
    tunnel,
    changes,
    problems,
    place,
    compiledArgv: ["ssh", "-G", "-F", "/dev/null", ...args],
  };
}

/** Step 4: every difference the compiled tunnel makes, explained, or the import stops. */
export function finish(built: Built, original: SshDump, compiled: SshDump): Built {
  const { added, unexplained } = explain(original, compiled, built.changes, built.place);
  const problems = unexplained.map((key) =>
    problemAt(
      `tunnelc's import would change ${key} (from "${(original.get(key) ?? []).join(" ")}" to "${(compiled.get(key) ?? []).join(" ")}") without a reason it can give: this is tunnelc's mistake; please report it`,
      built.place(key),
      "import/unexplained",
    ),
  );
  return {
    ...built,
    changes: [...built.changes, ...added],
    problems: [...built.problems, ...problems],
  };
}

/** The host as the original names it (an alias, a name, an address), as a tunnel name. */
function nameOfHost(host: string): string {
  return host.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^-+|-+$/g, "") || "tunnel";
}

/** A config's IdentityFile lines, when they are not OpenSSH's default list. */
function configIdentities(original: SshDump, defaults: SshDump): string[] {
  const own = original.get("identityfile") ?? [];
  const base = defaults.get("identityfile") ?? [];
  return own.length === base.length && own.every((v, i) => v === base[i]) ? [] : [...own];
}

const POINTER_KEYWORD: Readonly<Record<string, string>> = {
  server: "hostname",
  forwards: "remoteforward",
  keepAlive: "serveraliveinterval",
  identity: "identityfile",
  ssh: "hostname",
};

function keywordOf(pointer: string): string {
  const top = pointer.split("/")[1] ?? "";
  if (top === "ssh") {
    const option = pointer.split("/")[3];
    if (option !== undefined) return option.toLowerCase();
  }
  return POINTER_KEYWORD[top] ?? "hostname";
}
