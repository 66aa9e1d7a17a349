// tunnelc trust SPEC [--only NAME] [--dry-run] [--json]: fetch each server's host keys with
// ssh-keyscan, show their fingerprints, and pin them in the spec (comments and layout kept).
import { edgeOf, type Edge } from "../edge/edge.ts";
import { resolve } from "node:path";
import { buildModel } from "../model/build-model.ts";
import type { RawSeed } from "../specfile/raw.ts";
import { knownHostsPattern } from "../model/host-format.ts";
import { expandServer } from "../specfile/server-forms.ts";
import { parseKeyscan, type ScannedKey } from "../trust/keyscan.ts";
import { pinJumpKeys, pinKeys, type Path } from "../trust/edit-spec.ts";
import { execute } from "../edge/execute.ts";
import { SpecError, SystemError, UsageError } from "../errors.ts";
import { envelope } from "../envelope.ts";
import { outcome, type Outcome } from "./outcome.ts";
import { namedBy, type SourcedTunnel } from "../model/tunnel.ts";
import { flag, text, jsonOption, defineCommand } from "./options.ts";

import type { Facts, Gatherer } from "../edge/query.ts";
import { loadSpecs } from "./specs-arg.ts";

export interface TrustArgs {
  spec: string;
  only?: string;
  dryRun: boolean;
  json: boolean;
}

/** What trust can fix is not a reason to refuse to run. */
const FIXED_BY_TRUST = new Set(["rule/pinned-without-keys"]);

export function runTrust(args: TrustArgs, edge: Edge = edgeOf()): Outcome {
  const { gatherer, runner } = edge;
  const [source] = loadSpecs([args.spec], gatherer);
  if (source === undefined) throw new Error("unreachable: one spec was read");
  const checked = buildModel([source]);
  const spec = checked.specs[0]!;
  const blocking = checked.diagnostics.filter(
    (d) => d.severity === "error" && !FIXED_BY_TRUST.has(d.code),
  );
  if (blocking.length > 0) throw new SpecError(blocking);
  const tunnels = checked.tunnels.filter(
    (t) => args.only === undefined || namedBy(t.tunnel, args.only),
  );
  if (tunnels.length === 0) throw new UsageError(`no tunnel named ${args.only} in ${args.spec}`);
  const hosts = tunnels.flatMap(({ tunnel: { server } }) => [server, ...server.jump]);
  const scanned = gatherer.gather(hosts.map((h) => keyscan(h.host, h.port)));
  const scans = tunnels.map((t) => ({
    t,
    keys: scanHost(scanned, t.tunnel.server.host, t.tunnel.server.port),
    jumps: t.tunnel.server.jump.map((j) => ({
      host: j.host,
      port: j.port,
      keys: scanHost(scanned, j.host, j.port),
    })),
  }));
  if (spec.form === "seed") return seedAdvice(scans, (spec.value as RawSeed).localUser, args);
  let text = source.text;
  for (const { t, keys, jumps } of scans) {
    const path =
      t.pointer === ""
        ? []
        : t.pointer
            .slice(1)
            .split("/")
            .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const own = tunnelAt(spec.value, path);
    const hasPolicy = own?.hostKeyPolicy !== undefined;
    // A fleet's relay keeps its keys where it is written, in "relays", for all its devices.
    const serverPath: Path =
      t.tunnel.via !== undefined ? ["relays", t.tunnel.via.relay] : [...path, "server"];
    // The server as the model read it; after the first edit, in the object form that edit wrote.
    let server: unknown = tunnelAt(spec.value, serverPath);
    // Jumps written there (not inherited from fleet defaults) get their keys beside them.
    const ownJumps = Array.isArray((server as Record<string, unknown> | undefined)?.jump);
    if (ownJumps)
      jumps.forEach((j, i) => {
        text = pinJumpKeys(
          text,
          serverPath,
          i,
          j.keys.map((k) => k.key),
          { server },
        );
        server = expandServer(server);
      });
    text = pinKeys(
      text,
      { server: serverPath, ...(hasPolicy && { policy: [...path, "hostKeyPolicy"] }) },
      keys.map((k) => k.key),
      { server },
    );
  }
  const changes = !args.dryRun && text !== source.text;
  const file = changes ? specFile(args.spec, gatherer) : args.spec;
  if (changes) {
    // The spec keeps its own mode (it may be private) and owner.
    const q = { kind: "mode", path: file } as const;
    const { mode, uid, gid, error } = gatherer.gather([q]).get(q);
    if (mode === undefined) throw new SystemError(`cannot read ${file}: ${error}`);
    const owner = uid !== undefined && gid !== undefined ? { owner: { uid, gid } } : {};
    execute(
      [{ kind: "write", path: file, text, mode: mode & 0o777, durable: true, ...owner }],
      runner,
    );
  }
  const where = file === args.spec ? args.spec : `${args.spec} (a link: written to ${file})`;
  return report(scans, args, args.dryRun ? `would write ${where}` : `wrote the keys into ${where}`);
}

/**
 * The file a spec's edit is written to: the spec, or where its links lead (realpath(3)). A
 * spec linked from /etc/tunnelc to a checkout stays a link: the edit goes to the file it names,
 * replaced atomically beside it (the rename would otherwise put a regular file where the link
 * was, and the checkout would never see the keys).
 */
function specFile(spec: string, gatherer: Gatherer): string {
  const q = { kind: "realpath", path: spec } as const;
  const { path, error } = gatherer.gather([q]).get(q);
  if (path === undefined) throw new SystemError(`cannot resolve ${spec}: ${error}`);
  return path === resolve(spec) ? spec : path;
}

const keyscan = (host: string, port: number) => ({
  kind: "run" as const,
  argv: ["ssh-keyscan", "-T", "5", "-p", String(port), "--", host],
});

function scanHost(scanned: Facts, host: string, port: number): ScannedKey[] {
  const r = scanned.get(keyscan(host, port));
  const keys = parseKeyscan(r.stdout);
  if (keys.length === 0) {
    throw new SystemError(
      `ssh-keyscan found no host keys at ${host} port ${port}`,
      r.stderr.trim(),
      "trust/no-host-keys",
    );
  }
  return keys;
}

function tunnelAt(raw: unknown, path: (string | number)[]): Record<string, unknown> | undefined {
  let v = raw;
  for (const seg of path) v = (v as Record<string | number, unknown> | undefined)?.[seg];
  return v as Record<string, unknown> | undefined;
}

type Scans = {
  t: SourcedTunnel;
  keys: ScannedKey[];
  jumps?: { host: string; port: number; keys: ScannedKey[] }[];
}[];

function report(scans: Scans, args: TrustArgs, done: string): Outcome {
  if (args.json) {
    const tunnels = scans.map(({ t, keys, jumps }) => ({
      name: t.tunnel.name,
      host: t.tunnel.server.host,
      port: t.tunnel.server.port,
      keys,
      jumps: jumps ?? [],
    }));
    return outcome({ stdout: envelope(true, [], { written: !args.dryRun, tunnels }) });
  }
  const lines = scans.flatMap(({ t, keys, jumps }) => [
    `${t.tunnel.name}: ${t.tunnel.server.host} port ${t.tunnel.server.port}`,
    ...keys.map((k) => `  ${k.fingerprint} (${k.type})`),
    ...(jumps ?? []).flatMap((j) => [
      `  jump ${j.host} port ${j.port}`,
      ...j.keys.map((k) => `    ${k.fingerprint} (${k.type})`),
    ]),
  ]);
  lines.push(
    done,
    "Compare the fingerprints with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` run on the server itself.",
  );
  return outcome({ stdout: lines.join("\n") + "\n" });
}

/** The seed form has no hostKeys field: its account's own known_hosts is where keys go. */
function seedAdvice(scans: Scans, localUser: string, args: TrustArgs): Outcome {
  const lines = scans.flatMap(({ t, keys }) => {
    const { host, port } = t.tunnel.server;
    return keys.map((k) => `${knownHostsPattern(host, port)} ${k.key}`);
  });
  const done = `The seed form has no hostKeys field: add these lines to ~${localUser}/.ssh/known_hosts (or move to the v1 form to pin them in the unit):\n${lines.join("\n")}`;
  return report(scans, { ...args, dryRun: true }, done);
}

export const trustCommand = defineCommand<TrustArgs>({
  command: "trust <spec>",
  describe: "Fetch the servers' host keys (ssh-keyscan), show fingerprints, pin them in the spec",
  positionals: {
    spec: { type: "string", demandOption: true, describe: "the spec file to pin the keys in" },
  },
  options: {
    only: text("only the tunnel with this name"),
    "dry-run": flag("show the keys, change nothing"),
    json: jsonOption,
  },
  examples: [
    ["$0 trust home.json", "pin the relay's keys in home.json"],
    ["$0 trust fleet.json --only office --dry-run", "just show one server's fingerprints"],
  ],
  run: runTrust,
});
