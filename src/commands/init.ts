// tunnelc init [FILE] [--name N] [--server [user@]host[:port]] [-R|-L|-D SPEC]... [--identity P]
// [--account A] [--user] [--no-keygen] [--root DIR]
// Writes a commented starter spec from flags, and (unless it names an identity) a key for it
// made like `tunnelc keygen`. On a terminal it asks for what is missing and asks again when an
// answer is invalid; it never waits for input that is not a terminal.
import { edgeOf, type Edge } from "../edge/edge.ts";
import { hostname } from "node:os";
import { parseForwardFlag, type ForwardFlag } from "../init/forward-flag.ts";
import { starterSpec, type StarterOptions } from "../init/starter.ts";
import { generateKey, sshKeygen } from "../keygen/generate.ts";
import { defaultKeyPath, keyComment, onDisk } from "../keygen/key-path.ts";
import { authorizedKeysLine } from "../ends/relay.ts";
import { parseHop, type HopText } from "../specfile/endpoint.ts";
import { buildModel } from "../model/build-model.ts";
import { execute } from "../edge/execute.ts";
import { SpecError, UsageError, hasErrors } from "../errors.ts";
import { processRunner } from "../edge/read.ts";
import { outcome, type Outcome } from "./outcome.ts";
import { flag, text, anyOf, jsonOption, defineCommand } from "./options.ts";
import { envelope } from "../envelope.ts";

export interface InitArgs {
  file?: string;
  name?: string;
  server?: string;
  R?: string[];
  L?: string[];
  D?: string[];
  identity?: string;
  /** The local account to run as (User=). */
  account?: string;
  /** A user unit (scope "user"), as --user means for every other command. */
  user?: boolean;
  /** Make a key when no identity is given (--no-keygen: don't). */
  keygen?: boolean;
  root?: string;
  force: boolean;
  json?: boolean;
}

export type Ask = (question: string) => Promise<string>;

/** --server: the same reader as the spec's "server" strings (src/specfile/endpoint.ts). */
export function parseServer(text: string): HopText | string {
  const r = parseHop(text);
  return r.ok ? r.hop : `--server ${r.message}`;
}

function forwardsOf(args: InitArgs): (ForwardFlag | string)[] {
  return [
    ...(args.R ?? []).map((t) => parseForwardFlag("R", t)),
    ...(args.L ?? []).map((t) => parseForwardFlag("L", t)),
    ...(args.D ?? []).map((t) => parseForwardFlag("D", t)),
  ];
}

const scopeOf = (args: InitArgs) => (args.user ? "user" : "system");

/** The identity the spec will name: the given one, or the key init makes. */
function identityOf(args: InitArgs, name: string): string | undefined {
  if (args.identity !== undefined) return args.identity;
  return args.keygen === false ? undefined : defaultKeyPath(name, scopeOf(args));
}

function starterOptions(args: InitArgs, publicKey?: string): StarterOptions | string {
  const server = parseServer(args.server ?? "");
  if (typeof server === "string") return server;
  const flags = forwardsOf(args);
  const bad = flags.find((f): f is string => typeof f === "string");
  if (bad !== undefined) return bad;
  const name = args.name ?? "tunnel";
  const identity = identityOf(args, name);
  return {
    name,
    ...server,
    forwards: flags as ForwardFlag[],
    ...(identity !== undefined && { identity }),
    ...(publicKey !== undefined && { publicKey }),
    ...(args.account !== undefined && { localUser: args.account }),
    ...(args.user && { scope: "user" as const }),
  };
}

/**
 * The first problem the spec's own checks find under `pointer` when this answer is put into an
 * otherwise complete starter: an answer is judged exactly as the spec will be.
 */
function problemWith(args: InitArgs, pointer: string): string | undefined {
  const filled: InitArgs = {
    ...args,
    server: args.server || "relay.example.net",
    ...(!(args.R?.length || args.L?.length || args.D?.length) && { D: ["1080"] }),
  };
  const options = starterOptions(filled);
  if (typeof options === "string") return options;
  const checked = buildModel([{ file: "<answer>", text: starterSpec(options) }]);
  return checked.diagnostics.find(
    (d) => d.severity === "error" && d.location.pointer.startsWith(pointer),
  )?.message;
}

/** Asks until the answer passes `check`, saying why the last one did not. */
async function askValid(
  ask: Ask,
  question: string,
  check: (answer: string) => string | undefined,
): Promise<string> {
  let prompt = question;
  for (;;) {
    const answer = await ask(prompt);
    const why = check(answer);
    if (why === undefined) return answer;
    prompt = `  ${why}\n${question}`;
  }
}

async function fill(args: InitArgs, ask: Ask | undefined): Promise<InitArgs> {
  const hasForward = !!(args.R?.length || args.L?.length || args.D?.length);
  const missing = [...(args.server ? [] : ["server"]), ...(hasForward ? [] : ["forward"])];
  if (!ask) {
    if (missing.length === 0) return args;
    throw new UsageError(
      `init needs ${missing.map((m) => (m === "server" ? "--server [user@]host[:port]" : "a forward (-R, -L or -D)")).join(" and ")} when not run on a terminal`,
    );
  }
  let out = { ...args };
  if (!out.server) {
    out.server = await askValid(ask, "SSH server ([user@]host[:port]): ", (a) => {
      const r = parseHop(a);
      return r.ok ? undefined : r.message;
    });
  }
  if (!hasForward) {
    const R = await askValid(
      ask,
      "Reverse forward, as ssh -R takes it (e.g. 2222:localhost:22): ",
      (a) => {
        const f = parseForwardFlag("R", a);
        return typeof f === "string" ? f : problemWith({ ...out, R: [a] }, "/forwards");
      },
    );
    out = { ...out, R: [R] };
  }
  if (!out.name) {
    const name = await askValid(ask, "Tunnel name [tunnel]: ", (a) =>
      problemWith({ ...out, name: a || "tunnel" }, "/name"),
    );
    out.name = name || "tunnel";
  }
  if (out.identity === undefined && out.keygen !== false) {
    const path = defaultKeyPath(out.name, scopeOf(out));
    const yes = await askValid(ask, `Make a key for it at ${path}? [Y/n]: `, (a) =>
      /^(?:y|yes|n|no|)$/i.test(a) ? undefined : 'answer "y" or "n"',
    );
    out.keygen = !/^n/i.test(yes);
  }
  return out;
}

export async function runInit(
  given: InitArgs,
  { runner, gatherer }: Edge = edgeOf({ runner: sshKeygen }),
  ask?: Ask,
): Promise<Outcome> {
  // --user used to name the local account; a bare word after it now reads as FILE.
  if (given.user && given.file !== undefined && !/[./]/.test(given.file))
    throw new UsageError(
      `--user means a user unit (systemctl --user) here as everywhere; did you mean --account ${given.file}?`,
    );
  const args = await fill(given, ask);
  const options = starterOptions(args);
  if (typeof options === "string") throw new UsageError(options);
  // The starter must itself be a valid spec, checked before anything is made or written.
  const file = args.file ?? "<init>";
  const checked = buildModel([{ file, text: starterSpec(options) }]);
  if (hasErrors(checked.diagnostics)) throw new SpecError(checked.diagnostics);
  const toFile = args.file !== undefined && args.file !== "-";
  const exists = { kind: "exists", path: args.file ?? "" } as const;
  if (toFile && gatherer.gather([exists]).get(exists) && !args.force)
    throw new UsageError(`${args.file} exists; --force overwrites it`);
  const notes: string[] = [];
  let key: { file: string; created: boolean; authorizedKeys: string } | null = null;
  const spec: StarterOptions = { ...options, ...(toFile && { file: args.file }) };
  let text = starterSpec(spec);
  if (args.identity === undefined && options.identity !== undefined) {
    // The same key tunnelc keygen makes; one made earlier (a rerun of init) is kept.
    const keyFile = onDisk(options.identity, args.root);
    const pair = generateKey(
      {
        file: keyFile,
        comment: keyComment(options.name, hostname()),
        force: false,
        reuse: true,
        ...(args.root !== undefined && { root: args.root }),
      },
      runner,
      gatherer,
    );
    text = starterSpec({ ...spec, publicKey: pair.publicKey });
    const tunnel = checked.tunnels[0]!.tunnel;
    const blob = pair.publicKey.split(" ").slice(0, 2).join(" ");
    key = {
      file: keyFile,
      created: pair.created,
      authorizedKeys: authorizedKeysLine({ tunnel, publicKey: blob }),
    };
    notes.push(
      `${pair.created ? "made" : "kept the existing"} key ${keyFile}; the relay's authorized_keys line:`,
      key.authorizedKeys,
    );
  }
  if (toFile)
    execute(
      [{ kind: "write", path: args.file!, text, mode: 0o644, durable: false }],
      processRunner,
    );
  if (args.json) {
    const fields = { file: toFile ? args.file! : null, spec: text, key };
    return outcome({ stdout: envelope(true, checked.diagnostics, fields) });
  }
  if (!toFile) return outcome({ stdout: text, notes });
  return outcome({ notes: [...notes, `wrote ${args.file}; next: tunnelc trust ${args.file}`] });
}

export const initCommand = (print: (o: Outcome) => void, ask: Ask | undefined) =>
  defineCommand<InitArgs>({
    command: "init [file]",
    describe:
      "Write a commented starter spec and make its key (asks on a terminal for what flags leave out)",
    positionals: { file: text("where to write it (default: stdout)") },
    options: {
      name: text("tunnel name (the unit is NAME.service)"),
      server: text("[user@]host[:port] of the SSH server"),
      R: anyOf("remote forward, as ssh -R: [addr:]port:host:hostport"),
      L: anyOf("local forward, as ssh -L: [addr:]port:host:hostport"),
      D: anyOf("SOCKS proxy, as ssh -D: [addr:]port"),
      identity: text("private key path (default: a new key, as tunnelc keygen makes)"),
      keygen: {
        type: "boolean",
        default: true,
        describe: "make a key when no --identity is given (--no-keygen: then name --account)",
      },
      account: text("local account to run as (User=)"),
      user: flag("a user unit (systemctl --user), as --user means elsewhere"),
      root: text("make the key below this directory"),
      force: flag("overwrite FILE"),
      json: jsonOption,
    },
    examples: [
      [
        "$0 init home.json --name home --server phonehome@relay.example.net -R 2222:localhost:22",
        "a phone-home tunnel and its key",
      ],
      [
        "$0 init --server me@bastion -L 5432:db.internal:5432 -D 1080 --account me --no-keygen",
        "print a spec that runs as your account, with its keys",
      ],
    ],
    run: (args) => runInit(args, undefined, ask),
  })(print);
