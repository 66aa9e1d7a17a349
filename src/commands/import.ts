// tunnelc import FILE.service [--instance NAME]… | - | -- ssh|autossh ARGS… |
//                 --ssh-config FILE --host ALIAS  [--name NAME] [--user ACCOUNT] [-o FILE] [--json]
// An existing tunnel → a v1 spec on stdout, with every change from the original said out loud.
// OpenSSH itself (`ssh -G`) reads the ssh side; the unit side is read as systemd reads it.
import { TUNNEL_NAME } from "../model/tunnel.ts";
import { homedir, userInfo } from "node:os";
import { edgeOf, type Edge } from "../edge/edge.ts";
import type { Gatherer } from "../edge/query.ts";
import { ExitCode, SystemError, UsageError } from "../errors.ts";
import { envelope } from "../envelope.ts";
import type { ImportChange } from "../import/changes.ts";
import {
  buildTunnel,
  defaultsArgv,
  finish,
  readSource,
  type Context,
  type SshSource,
} from "../import/import-ssh.ts";
import { argvPlace } from "../import/places.ts";
import { parseDump, type SshDump } from "../import/ssh-dump.ts";
import type { Account } from "../import/spec-from-ssh.ts";
import { json, outcome, type Outcome } from "./outcome.ts";
import { defineCommand, jsonOption, repeat, text, anyOf } from "./options.ts";
import { STDIN } from "../specfile/read.ts";
import { importUnits, type Imported, type UnitInput } from "../import/unit-import.ts";
import { execute } from "../edge/execute.ts";
import { buildModel } from "../model/build-model.ts";
import { resolve } from "node:path";

export interface ImportArgs {
  source?: string[];
  /** The words after "--": a command line (cli.ts keeps them as they are). */
  "--"?: string[];
  instance?: string[];
  sshConfig?: string;
  host?: string;
  name?: string;
  user?: string;
  output?: string;
  root?: string;
  json: boolean;
}

const PROGRAMS = new Set(["ssh", "autossh", "sshpass", "env"]);
const basename = (p: string) => p.slice(p.lastIndexOf("/") + 1);

type Mode =
  | { kind: "unit"; file: string }
  | { kind: "argv"; argv: string[] }
  | { kind: "config"; file: string; host: string };

/** Which of the three forms the arguments are; every mix of them is a usage error. */
export function modeOf(args: ImportArgs): Mode {
  const after = args["--"] ?? [];
  if ((args.source ?? []).length > 0 && after.length > 0)
    throw new UsageError(
      `give a unit file or a command line after --, not both (got "${(args.source ?? []).join(" ")}" before --)`,
    );
  if (args.sshConfig !== undefined || args.host !== undefined) {
    if (args.sshConfig === undefined || args.host === undefined)
      throw new UsageError("--ssh-config FILE and --host ALIAS go together");
    const given = [...(args.source ?? []), ...after];
    if (given.length > 0)
      throw new UsageError(
        `--ssh-config imports a Host block: give no unit file or command line (got "${given.join(" ")}")`,
      );
    if ((args.instance ?? []).length > 0)
      throw new UsageError("--instance is for a template unit, not for --ssh-config");
    return { kind: "config", file: args.sshConfig, host: args.host };
  }
  if (after.length > 0) {
    if ((args.instance ?? []).length > 0)
      throw new UsageError("--instance is for a template unit, not for a command line");
    return { kind: "argv", argv: after.map(String) };
  }
  const words = args.source ?? [];
  const first = words[0];
  if (first === undefined)
    throw new UsageError(
      "name what to import: a unit file (or - for systemctl cat output), -- and an ssh or autossh command line, or --ssh-config FILE --host ALIAS",
    );
  if (words.length > 1 || PROGRAMS.has(basename(first)))
    throw new UsageError(
      `one unit file at a time (got "${words.join(" ")}"); a command line goes after --: tunnelc import -- ssh -N -R …`,
    );
  return { kind: "unit", file: first === "-" ? STDIN : first };
}

/** --name: a tunnel's name as the spec takes it. */
function checkName(name: string): void {
  if (!TUNNEL_NAME.test(name))
    throw new UsageError(
      `--name: "${name}" is not a tunnel name (letters, digits, "_", "." and "-", starting with a letter, digit or "_")`,
    );
}

function dumpOf(gatherer: Gatherer, argv: string[]): { dump?: SshDump; error?: string } {
  const q = { kind: "run", argv } as const;
  const r = gatherer.gather([q]).get(q);
  if (r.status !== 0) {
    const said = r.stderr
      .split(/\r?\n/)
      .filter((l) => l.trim() !== "" && !/^Pseudo-terminal will not be allocated/.test(l))
      .join("; ");
    return { error: said || `ssh -G exited with status ${r.status}` };
  }
  return { dump: parseDump(r.stdout) };
}

/** One ssh command line or Host block → one tunnel, through the four steps of import-ssh.ts. */
export function importOne(source: SshSource, ctx: Context, gatherer: Gatherer): Imported {
  const read = readSource(source);
  const fail = (message: string): Imported => ({
    tunnel: {},
    changes: read.changes,
    problems: [
      ...read.problems,
      {
        severity: "error",
        code: "import/ssh-refused",
        message: `ssh -G: ${message}`,
        location: {
          ...(source.kind === "config"
            ? { file: source.file, line: 1, column: 1 }
            : { ...source.place(0) }),
          pointer: "",
          length: 1,
        },
      },
    ],
  });
  if (read.dumpArgv === undefined)
    return { tunnel: {}, changes: read.changes, problems: read.problems };
  const original = dumpOf(gatherer, read.dumpArgv);
  if (original.dump === undefined) return fail(original.error ?? "");
  const defaults = dumpOf(gatherer, defaultsArgv(original.dump));
  if (defaults.dump === undefined) return fail(defaults.error ?? "");
  const built = buildTunnel(read, original.dump, defaults.dump, ctx);
  if (built.compiledArgv === undefined)
    return { tunnel: built.tunnel, changes: built.changes, problems: built.problems };
  const compiled = dumpOf(gatherer, built.compiledArgv);
  if (compiled.dump === undefined) return fail(compiled.error ?? "");
  const done = finish(built, original.dump, compiled.dump);
  return {
    tunnel: done.tunnel,
    sshArgs: read.dumpArgv.slice(2),
    changes: done.changes,
    problems: done.problems,
  };
}

/** The account a command line or Host block ran as: --user, else unknown (a dynamic account). */
function accountOf(args: ImportArgs, home: string): Account {
  if (args.user === "root") return { describe: "root", login: "root", home: "/root" };
  if (args.user === undefined) return { describe: "the account that imports", home };
  return { user: args.user, login: args.user, describe: `the account ${args.user}` };
}

export function runImport(args: ImportArgs, edge: Edge = edgeOf()): Outcome {
  const mode = modeOf(args);
  if (args.name !== undefined) checkName(args.name);
  if (args.user !== undefined && !/^[a-z_][a-z0-9_-]*[$]?$/i.test(args.user))
    throw new UsageError(`--user: "${args.user}" is not an account name`);
  const { gatherer } = edge;
  const localName = userInfo().username;
  let results: Imported[];
  if (mode.kind === "unit") {
    const input: UnitInput = {
      file: mode.file,
      instances: args.instance ?? [],
      ...(args.root !== undefined && { root: args.root }),
      ...(args.name !== undefined && { name: args.name }),
    };
    results = importUnits(
      input,
      gatherer,
      (source, ctx) => importOne(source, ctx, gatherer),
      localName,
    );
  } else if (mode.kind === "argv") {
    const source: SshSource = {
      kind: "argv",
      argv: mode.argv,
      environment: {},
      place: (i) => argvPlace(mode.argv, i),
    };
    const ctx = {
      ...(args.name !== undefined && { name: args.name }),
      account: accountOf(args, homedir()),
      localName,
    };
    results = [importOne(source, ctx, gatherer)];
  } else {
    const q = { kind: "file", path: mode.file } as const;
    const fact = gatherer.gather([q]).get(q);
    if (fact.text === undefined)
      throw new SystemError(
        `cannot read ${mode.file}: ${fact.error ?? "no such file"}`,
        undefined,
        "read/io",
        mode.file,
      );
    const source: SshSource = { kind: "config", file: mode.file, text: fact.text, host: mode.host };
    const ctx = {
      ...(args.name !== undefined && { name: args.name }),
      account: accountOf(args, homedir()),
      localName,
    };
    results = [importOne(source, ctx, gatherer)];
  }
  return report(args, results, edge);
}

function report(args: ImportArgs, results: Imported[], edge: Edge): Outcome {
  const problems = results.flatMap((r) => r.problems);
  const changes = results.flatMap((r) => r.changes);
  const spec =
    results.length === 1 ? results[0]?.tunnel : { tunnels: results.map((r) => r.tunnel) };
  const specText = json(spec);
  // Instances each sound may still clash as one fleet (two on one relay port): the fleet is
  // checked as validate would, and its problems are the import's.
  if (problems.length === 0 && results.length > 1) {
    const file = args.source?.[0] ?? "";
    for (const d of buildModel([{ file, text: specText }]).diagnostics)
      if (d.severity === "error")
        problems.push({
          ...d,
          code: "import/cannot-express",
          message: `the instances as one fleet: ${d.message} (at ${d.location.pointer})`,
          location: { file, line: 1, column: 1, pointer: "", length: 1 },
        });
  }
  const ok = problems.length === 0;
  const changeJson = changes.map((c) => ({
    kind: c.kind,
    what: c.what,
    reason: c.reason,
    ...(c.instead !== undefined && { instead: c.instead }),
    keys: c.keys,
    file: c.location.file,
    line: c.location.line,
    column: c.location.column,
  }));
  if (!ok) {
    if (args.json)
      return outcome({
        exitCode: ExitCode.spec,
        stdout: envelope(false, problems, { changes: changeJson }),
      });
    return outcome({ exitCode: ExitCode.spec, diagnostics: problems, notes: changeLines(changes) });
  }
  const written: string[] = [];
  if (args.output !== undefined && args.output !== "-") {
    const path = args.output;
    const q = { kind: "exists", path } as const;
    if (edge.gatherer.gather([q]).get(q))
      throw new UsageError(
        `-o ${path}: the file exists; import does not overwrite: remove it or name another`,
      );
    execute(
      [
        {
          kind: "write",
          path,
          text: specText,
          mode: 0o644,
          durable: false,
          failure: `cannot write ${resolve(path)}`,
        },
      ],
      edge.runner,
    );
    written.push(`wrote ${path}`);
  }
  if (args.json)
    return outcome({
      stdout: envelope(true, [], {
        spec,
        changes: changeJson,
        // What ssh -G was asked about each original: `ssh -G ARGS` shows what it resolved.
        original: results.map((r) => ({ name: r.tunnel["name"], sshG: r.sshArgs ?? [] })),
        written: written.length > 0 ? [args.output] : [],
      }),
    });
  return outcome({
    stdout: written.length > 0 ? "" : specText,
    notes: [...changeLines(changes), ...written],
  });
}

export function changeLines(changes: readonly ImportChange[]): string[] {
  return changes.map(
    (c) =>
      `${c.location.file}:${c.location.line}:${c.location.column}: ${c.kind}: ${c.what}: ${c.reason}${c.instead !== undefined ? ` (instead: ${c.instead})` : ""}`,
  );
}

export const importCommand = defineCommand<ImportArgs>({
  command: "import [source..]",
  describe:
    "Turn an existing tunnel (a unit, an ssh or autossh command line, an ssh_config host) into a spec",
  positionals: {
    source: anyOf(
      "a unit file (- for systemctl cat output on stdin); a command line goes after --",
    ),
  },
  options: {
    instance: repeat("a template unit's instance (%i); again for several, into one fleet spec"),
    "ssh-config": text("an ssh_config(5) file to import a Host block of (with --host)"),
    host: text("the Host alias to import from --ssh-config"),
    name: text("the tunnel's name (default: the unit's, or the host's)"),
    user: text(
      "the local account the tunnel ran as (a command line or Host block; a unit says it with User=)",
    ),
    output: {
      ...text("write the spec to this file instead of stdout (never overwritten)"),
      alias: "o",
    },
    root: text("read the files a unit names (EnvironmentFile=) below this directory"),
    json: jsonOption,
  },
  examples: [
    ["$0 import /etc/systemd/system/tunnel.service", "a unit, as systemd would run it"],
    [
      "systemctl cat autossh@home | $0 import - --instance home",
      "a template instance, with drop-ins",
    ],
    ["$0 import -- autossh -M 0 -N -R 2222:localhost:22 me@relay.example.net", "a command line"],
    ["$0 import --ssh-config ~/.ssh/config --host relay -o relay.json", "an ssh_config Host block"],
  ],
  run: runImport,
});
