// tunnelc init [FILE] [--name N] [--server [user@]host[:port]] [-R|-L|-D SPEC]... [--identity P]
// Writes a commented starter spec from flags; on a terminal it asks for what is missing, and it
// never waits for input that is not a terminal.
import { existsSync } from "node:fs";
import type { CommandModule } from "yargs";
import { parseForwardFlag, type ForwardFlag } from "../init/forward-flag.ts";
import { starterSpec, type StarterOptions } from "../init/starter.ts";
import { checkSpec } from "../specfile/check.ts";
import { writeFileAtomic } from "../install/atomic-write.ts";
import { SpecError, UsageError, hasErrors } from "../errors.ts";
import { outcome, type Outcome } from "./outcome.ts";

export interface InitArgs {
  file?: string;
  name?: string;
  server?: string;
  R?: string[];
  L?: string[];
  D?: string[];
  identity?: string;
  user?: string;
  force: boolean;
}

export type Ask = (question: string) => Promise<string>;

/** [user@]host[:port], IPv6 in brackets when a port follows. */
export function parseServer(text: string): { host: string; port?: number; user?: string } | string {
  const m = /^(?:([^@\s]+)@)?(\[[^\]]+\]|[^:@\s]+)(?::(\d+))?$/.exec(text);
  if (!m) return `--server ${text}: expected [user@]host[:port]`;
  return {
    host: m[2]!,
    ...(m[3] !== undefined && { port: Number(m[3]) }),
    ...(m[1] !== undefined && { user: m[1] }),
  };
}

async function fill(args: InitArgs, ask: Ask | undefined): Promise<InitArgs> {
  const missing = (["server", "forward"] as const).filter((k) =>
    k === "server" ? !args.server : !(args.R?.length || args.L?.length || args.D?.length),
  );
  if (missing.length === 0 && args.name) return args;
  if (!ask) {
    if (missing.length === 0) return args;
    throw new UsageError(
      `init needs ${missing.map((m) => (m === "server" ? "--server [user@]host[:port]" : "a forward (-R, -L or -D)")).join(" and ")} when not run on a terminal`,
    );
  }
  const out = { ...args };
  out.server ||= await ask("SSH server ([user@]host[:port]): ");
  if (missing.includes("forward"))
    out.R = [await ask("Reverse forward, as ssh -R takes it (e.g. 2222:localhost:22): ")];
  out.name ||= (await ask("Tunnel name [tunnel]: ")) || "tunnel";
  return out;
}

export async function runInit(given: InitArgs, ask: Ask | undefined): Promise<Outcome> {
  const args = await fill(given, ask);
  const server = parseServer(args.server ?? "");
  if (typeof server === "string") throw new UsageError(server);
  const flags = [
    ...(args.R ?? []).map((t) => parseForwardFlag("R", t)),
    ...(args.L ?? []).map((t) => parseForwardFlag("L", t)),
    ...(args.D ?? []).map((t) => parseForwardFlag("D", t)),
  ];
  const bad = flags.find((f): f is string => typeof f === "string");
  if (bad !== undefined) throw new UsageError(bad);
  const options: StarterOptions = {
    name: args.name ?? "tunnel",
    ...server,
    forwards: flags as ForwardFlag[],
    ...(args.identity !== undefined && { identity: args.identity }),
    ...(args.user !== undefined && { localUser: args.user }),
  };
  const text = starterSpec(options);
  // The starter must itself be a valid spec: the same checks as every other spec.
  const checked = checkSpec({ file: args.file ?? "<init>", text });
  if (hasErrors(checked.diagnostics)) throw new SpecError(checked.diagnostics);
  if (args.file === undefined || args.file === "-") return outcome({ stdout: text });
  if (existsSync(args.file) && !args.force)
    throw new UsageError(`${args.file} exists; --force overwrites it`);
  writeFileAtomic(args.file, text, { mode: 0o644, durable: false });
  return outcome({ notes: [`wrote ${args.file}; next: tunnelc trust ${args.file}`] });
}

export const initCommand = (
  run: (o: Outcome) => void,
  ask: Ask | undefined,
): CommandModule<object, InitArgs> => ({
  command: "init [file]",
  describe: "Write a commented starter spec (asks on a terminal for what flags leave out)",
  builder: (y) =>
    y
      .positional("file", { type: "string", describe: "where to write it (default: stdout)" })
      .option("name", { type: "string", describe: "tunnel name (the unit is NAME.service)" })
      .option("server", { type: "string", describe: "[user@]host[:port] of the SSH server" })
      .option("R", {
        type: "string",
        array: true,
        describe: "remote forward, as ssh -R: [addr:]port:host:hostport",
      })
      .option("L", {
        type: "string",
        array: true,
        describe: "local forward, as ssh -L: [addr:]port:host:hostport",
      })
      .option("D", { type: "string", array: true, describe: "SOCKS proxy, as ssh -D: [addr:]port" })
      .option("identity", { type: "string", describe: "private key path" })
      .option("user", { type: "string", describe: "local account to run as" })
      .option("force", { type: "boolean", default: false, describe: "overwrite FILE" })
      .example(
        "$0 init home.json --name home --server phonehome@relay.example.net -R 2222:localhost:22",
        "a phone-home tunnel",
      )
      .example(
        "$0 init --server me@bastion -L 5432:db.internal:5432 -D 1080",
        "print a spec with two forwards",
      ) as never,
  handler: async (args) => run(await runInit(args, ask)),
});
