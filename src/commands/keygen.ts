// tunnelc keygen NAME | SPEC [--name NAME] [--user] [--root DIR] [--force] [--json]
// Makes a tunnel's ed25519 key where its unit reads it (render/handover.ts), and prints the public
// key and the relay's authorized_keys line for it (the same line `tunnelc relay` writes).
import { edgeOf, type Edge } from "../edge/edge.ts";
import { hostname } from "node:os";
import { authorizedKeysLine } from "../ends/relay.ts";
import { generateKey, sshKeygen } from "../keygen/generate.ts";
import { defaultKeyPath, keyComment, onDisk } from "../keygen/key-path.ts";
import { buildModel } from "../model/build-model.ts";
import { STDIN } from "../specfile/read.ts";
import { RefusedError, SpecError, UsageError, hasErrors } from "../errors.ts";
import { TUNNEL_NAME, deviceName, namedBy, type Scope, type Tunnel } from "../model/tunnel.ts";
import { ExitCode } from "../errors.ts";
import { envelope, errorDiagnostics } from "../envelope.ts";
import { outcome, type Outcome } from "./outcome.ts";
import { flag, text, jsonOption, defineCommand } from "./options.ts";

import type { Gatherer } from "../edge/query.ts";
import { loadSpecs } from "./specs-arg.ts";

export interface KeygenArgs {
  target?: string;
  name?: string;
  user: boolean;
  root?: string;
  force: boolean;
  json: boolean;
}

interface Job {
  /** The device's name: the key's comment, the name in messages. */
  name: string;
  /** The tunnels that log in with the key: one per relay for a device of several relays. */
  tunnels: Pick<Tunnel, "name" | "forwards">[];
  scope: Scope;
  /** The path the unit reads (the spec's identity, or the default for its scope). */
  identity: string;
  /** Whether the spec already names it; else the spec needs "identity" set. */
  inSpec: boolean;
  /** Whether the line's listeners come from a spec. */
  fromSpec: boolean;
}

const UNIT_NAME = TUNNEL_NAME;

function isSpecArg(target: string, gatherer: Gatherer): boolean {
  if (target === "-" || target === STDIN || target.endsWith(".json")) return true;
  const q = { kind: "exists", path: target } as const;
  return gatherer.gather([q]).get(q);
}

function jobs(args: KeygenArgs, gatherer: Gatherer): Job[] {
  if (args.target !== undefined && isSpecArg(args.target, gatherer)) {
    const checked = buildModel(loadSpecs([args.target], gatherer));
    // A missing identity is what keygen is for; every other problem stops it.
    const problems = checked.diagnostics.filter((d) => d.code !== "rule/no-identity");
    if (hasErrors(problems)) throw new SpecError(problems);
    const picked = checked.tunnels.filter(
      (t) => args.name === undefined || namedBy(t.tunnel, args.name),
    );
    if (picked.length === 0)
      throw new UsageError(
        `--name ${args.name}: no such tunnel in ${args.target} (it has ${[...new Set(checked.tunnels.map((t) => deviceName(t.tunnel)))].join(", ") || "none"})`,
      );
    // One key per path: a device of several relays logs in to each with the same key.
    const byKey = new Map<string, Job>();
    for (const { tunnel } of picked) {
      const identity = tunnel.identity ?? defaultKeyPath(deviceName(tunnel), tunnel.scope);
      const job = byKey.get(identity);
      if (job !== undefined) job.tunnels.push(tunnel);
      else
        byKey.set(identity, {
          name: deviceName(tunnel),
          tunnels: [tunnel],
          scope: tunnel.scope,
          identity,
          inSpec: tunnel.identity !== undefined,
          fromSpec: true,
        });
    }
    return [...byKey.values()];
  }
  const name = args.name ?? args.target;
  if (name === undefined) throw new UsageError("keygen needs a tunnel NAME or a SPEC");
  if (!UNIT_NAME.test(name))
    throw new UsageError(
      `${name}: not a tunnel name (letters, digits, "_", "." and "-", starting with a letter, digit or "_"); a spec file must exist or end in .json`,
    );
  const scope: Scope = args.user ? "user" : "system";
  return [
    {
      name,
      tunnels: [{ name, forwards: [] }],
      scope,
      identity: defaultKeyPath(name, scope),
      inSpec: false,
      fromSpec: false,
    },
  ];
}

const KEY = /^(\S+ [A-Za-z0-9+/]+={0,2})/;

export function runKeygen(
  args: KeygenArgs,
  { runner, gatherer }: Edge = edgeOf({ runner: sshKeygen }),
): Outcome {
  const todo = jobs(args, gatherer);
  const keys = [];
  const notes: string[] = [];
  try {
    for (const job of todo) {
      const file = onDisk(job.identity, args.root);
      const pair = generateKey(
        {
          file,
          comment: keyComment(job.name, hostname()),
          force: args.force,
          ...(args.root !== undefined && { root: args.root }),
        },
        runner,
        gatherer,
      );
      const publicKey = KEY.exec(pair.publicKey)?.[1] ?? pair.publicKey;
      const authorizedKeys = job.tunnels
        .map((tunnel) => authorizedKeysLine({ tunnel, publicKey }))
        .join("\n");
      keys.push({
        name: job.name,
        scope: job.scope,
        identity: job.identity,
        file,
        publicKeyFile: `${pair.file}.pub`,
        publicKey: pair.publicKey,
        authorizedKeys,
      });
      const at = pair.file === file ? "" : ` (${file} links to it, inside --root)`;
      notes.push(`wrote ${pair.file} (mode 0600) and ${pair.file}.pub${at}`);
      if (!job.inSpec) notes.push(`set "identity": "${job.identity}" in the spec of ${job.name}`);
      if (!job.fromSpec)
        notes.push(
          `without a spec the authorized_keys line names no permitlisten, so the key may listen on any port: run "tunnelc keygen SPEC" or "tunnelc relay SPEC" for the restricted line`,
        );
    }
  } catch (e) {
    if (e instanceof RefusedError && args.json)
      return outcome({
        exitCode: ExitCode.spec,
        stdout: envelope(false, errorDiagnostics(e), { keys }),
      });
    throw e;
  }
  if (args.json) return outcome({ stdout: envelope(true, [], { keys }) });
  const stdout = keys
    .map(
      (k) =>
        `# ${k.name}: the public key (${k.publicKeyFile})\n${k.publicKey}\n# ${k.name}: the relay's authorized_keys line\n${k.authorizedKeys}\n`,
    )
    .join("");
  return outcome({ stdout, notes });
}

export const keygenCommand = defineCommand<KeygenArgs>({
  command: "keygen [target]",
  describe:
    "Make a tunnel's ed25519 key where its unit reads it; print the relay's authorized_keys line",
  positionals: {
    target: text("a tunnel NAME, or a SPEC (its tunnels' identity paths and remote ports)"),
  },
  options: {
    name: text("the tunnel (with a SPEC: only this one)"),
    user: flag("for a user unit: ~/.config/tunnelc/keys/NAME (without a SPEC)"),
    root: text("write the key below this directory"),
    force: flag("replace an existing key"),
    json: jsonOption,
  },
  examples: [
    ["$0 keygen home", "/etc/tunnelc/keys/home and home.pub"],
    ["$0 keygen fleet.json --name pi-garage", "the key and the line for one device"],
  ],
  run: runKeygen,
});
