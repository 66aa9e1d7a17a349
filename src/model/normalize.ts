// Raw spec (any form) → normalized tunnels with every default filled in. Value-level problems the
// schema cannot express (a port inside a string, an ssh option off the allow-list) are reported
// here by JSON pointer; cross-field rules live in check-rules.ts.
import { basename } from "node:path/posix";
import { DEFAULTS } from "./defaults.ts";
import {
  formatEndpoint,
  parseEndpoint,
  portOf,
  type EndpointResult,
} from "../specfile/endpoint.ts";
import { unbracket } from "./host-format.ts";
import { expandTunnelServer } from "../specfile/server-forms.ts";
import { escapePointer } from "../specfile/parse.ts";
import { Problems, type Problem } from "../specfile/problem.ts";
import type {
  RawBind,
  RawForward,
  RawSeed,
  RawSpec,
  RawTunnel,
  RawTunnelList,
  SpecForm,
} from "../specfile/raw.ts";
import { checkSshOption } from "./ssh-options.ts";
import { allocatePorts, type PortRequest, type Range } from "./ports.ts";
import { expandRelays, type RelayedTunnel } from "./relays.ts";
import type {
  Endpoint,
  Forward,
  Hardening,
  HostKeyPolicy,
  RestartPolicy,
  Scope,
  ModelTunnel,
  Tunnel,
} from "./tunnel.ts";
import { FORWARD_FLAG, deviceName } from "./tunnel.ts";

export interface Normalized {
  tunnels: ModelTunnel[];
  problems: Problem[];
}

/** Each forward's bind as read once (an allocated "auto" port is read when it is filled in). */
type Binds = Map<RawForward, EndpointResult>;

/** `raw` has passed the schema (with fleet defaults merged in); `form` is formOf(raw). */
export function normalize(raw: RawSpec, form: SpecForm, file: string): Normalized {
  const specName = basename(file.replace(/\\/g, "/")) || "-";
  const out = new Problems(file);
  const entries: [RawTunnel, string][] = (
    form === "fleet"
      ? (raw as RawTunnelList).tunnels.map((t, i): [RawTunnel, string] => [t, `/tunnels/${i}`])
      : form === "seed"
        ? seedEntries(raw as RawSeed, out)
        : [[raw as RawTunnel, ""] as [RawTunnel, string]]
  ).map(([t, pointer]) => [expandTunnelServer(t), pointer]);
  const relayed = form === "fleet" ? expandRelays(raw, entries, out) : entries;
  const ports = form === "fleet" ? (raw as RawTunnelList).ports : undefined;
  const range = ports && { from: portOf(ports.from) ?? 0, to: portOf(ports.to) ?? 0 };
  const binds: Binds = new Map();
  const resolved = resolveAutoPorts(range, relayed, binds, out);
  const tunnels = resolved.map(([t, pointer]) => ({
    tunnel: normalizeTunnel(t, pointer, binds, out, form === "seed" ? SEED_FORM : V1_FORM),
    specName,
    file,
    pointer,
  }));
  return { tunnels, problems: out.list };
}

const relayOf = (t: RawTunnel) =>
  `${unbracket(t.server.host)}:${t.server.port ?? DEFAULTS.serverPort}`;

/** Reads every bind into `binds`; replaces "remote": "auto" with ports from the spec's range. */
function resolveAutoPorts(
  range: Range | undefined,
  entries: [RelayedTunnel, string][],
  binds: Binds,
  out: Problems,
): [RelayedTunnel, string][] {
  const requests: (PortRequest & { pointer: string })[] = [];
  const taken = new Map<string, Set<number>>();
  for (const [t, pointer] of entries) {
    t.forwards.forEach((f, i) => {
      const at = `${pointer}/forwards/${i}`;
      const bind = f.remote ?? f.local ?? f.dynamic;
      if (bind !== undefined && bind !== "auto") binds.set(f, parseEndpoint(bind));
      if (f.local === "auto" || f.dynamic === "auto") {
        out.add(
          "error",
          "rule/auto-port",
          `${at}/${f.local === "auto" ? "local" : "dynamic"}`,
          '"auto" allocates relay ports: only remote forwards take it',
        );
      }
      // A device prefers the same port on each of its relays: hashed by the device's name.
      if (f.remote === "auto")
        requests.push({
          key: `${t.name}/${i}`,
          seed: `${deviceName(t)}/${i}`,
          relay: relayOf(t),
          pointer: `${at}/remote`,
        });
      else if (f.remote !== undefined) {
        const e = binds.get(f);
        if (e?.ok && e.endpoint.kind === "tcp")
          taken.set(relayOf(t), (taken.get(relayOf(t)) ?? new Set()).add(e.endpoint.port));
      }
    });
  }
  if (requests.length === 0) return entries;
  if (range === undefined || range.from > range.to) {
    const why =
      range === undefined
        ? 'needs a "ports": { "from", "to" } range beside "tunnels"'
        : '"ports" has "from" above "to"';
    for (const r of requests) out.add("error", "rule/auto-port", r.pointer, `"auto" ${why}`);
    return entries;
  }
  const ports = allocatePorts(requests, range, taken);
  if (!(ports instanceof Map)) {
    const r = requests.find((x) => x.key === ports.exhausted.key)!;
    out.add(
      "error",
      "rule/auto-port",
      r.pointer,
      `no free port left in ${range.from}-${range.to} on ${r.relay}`,
    );
    return entries;
  }
  return entries.map(([t, pointer]) => [
    {
      ...t,
      forwards: t.forwards.map((f, i) =>
        f.remote === "auto" ? { ...f, remote: ports.get(`${t.name}/${i}`)! } : f,
      ),
    },
    pointer,
  ]);
}

/** The NixOS module's options, read as the v1 tunnel its unit amounts to. */
export function seedToTunnel(seed: RawSeed): RawTunnel {
  return {
    name: DEFAULTS.seedName,
    server: {
      host: seed.remoteHostname,
      port: portOf(seed.remotePort ?? DEFAULTS.seedRemotePort),
      user: seed.remoteUser,
    },
    user: seed.localUser,
    forwards: [
      { remote: portOf(seed.bindPort ?? DEFAULTS.seedBindPort) ?? 0, to: DEFAULTS.seedTarget },
    ],
  };
}

function seedEntries(seed: RawSeed, out: Problems): [RawTunnel, string][] {
  if ((seed.enable ?? DEFAULTS.seedEnable) === false) {
    out.add(
      "warning",
      "rule/seed-disabled",
      "/enable",
      "enable is false: no unit is compiled for this spec",
    );
    return [];
  }
  return [[seedToTunnel(seed), ""]];
}

/** Defaults that differ by form: the seed keeps the NixOS module's timing. */
interface FormDefaults {
  keepAliveInterval: number;
  restartDelaySec: number;
  restartSpreadSec: number;
  connectTimeoutSec?: number;
  /** The seed form keeps the NixOS module's ssh -y; v1 replays ssh's log (Tunnel.logReplay). */
  logReplay?: true;
}
const V1_FORM: FormDefaults = {
  keepAliveInterval: DEFAULTS.keepAliveInterval,
  restartDelaySec: DEFAULTS.restartDelaySec,
  restartSpreadSec: DEFAULTS.restartSpreadSec,
  connectTimeoutSec: DEFAULTS.connectTimeoutSec,
  logReplay: true,
};
const SEED_FORM: FormDefaults = {
  keepAliveInterval: DEFAULTS.seedKeepAliveInterval,
  restartDelaySec: DEFAULTS.seedRestartDelaySec,
  restartSpreadSec: DEFAULTS.seedRestartSpreadSec,
};

function normalizeTunnel(
  t: RelayedTunnel,
  at: string,
  binds: Binds,
  out: Problems,
  form: FormDefaults,
): Tunnel {
  const forwards = t.forwards.map((f, i) => normalizeForward(f, `${at}/forwards/${i}`, binds, out));
  const options = sshOptions(t, at, out);
  // ssh takes the first value it is given, so a ConnectTimeout in ssh.options replaces ours.
  const connectTimeoutSec = options.some(([name]) => name === "ConnectTimeout")
    ? undefined
    : form.connectTimeoutSec;
  const hostKeys = t.server.hostKeys ?? [];
  const spread = t.restart?.spreadSec ?? form.restartSpreadSec;
  return {
    name: t.name,
    ...(t.via !== undefined && { via: t.via }),
    description: t.description?.trim() || describeTunnel(t.name, t.server, forwards),
    server: {
      host: unbracket(t.server.host),
      port: t.server.port ?? DEFAULTS.serverPort,
      ...(t.server.user !== undefined && { user: t.server.user }),
      hostKeys,
      jump: (t.server.jump ?? []).map((j) => ({
        host: unbracket(j.host),
        port: j.port ?? DEFAULTS.jumpPort,
        ...(j.user !== undefined && { user: j.user }),
        hostKeys: j.hostKeys ?? [],
      })),
    },
    ...(t.documentation !== undefined && { documentation: t.documentation }),
    ...(t.user !== undefined && { user: t.user }),
    ...(t.identity !== undefined && { identity: t.identity }),
    ...(t.publicKey !== undefined && { publicKey: t.publicKey }),
    forwards,
    keepAlive: {
      interval: t.keepAlive?.interval ?? form.keepAliveInterval,
      countMax: t.keepAlive?.countMax ?? DEFAULTS.keepAliveCountMax,
    },
    compression: t.compression ?? DEFAULTS.compression,
    restart: {
      policy: (t.restart?.policy ?? DEFAULTS.restartPolicy) as RestartPolicy,
      delaySec: t.restart?.delaySec ?? form.restartDelaySec,
      // Absent when 0: the unit, and its hash, stay what they were before the spread existed.
      ...(spread > 0 && { spreadSec: spread }),
      ...(t.restart?.maxDelaySec !== undefined && {
        backoff: {
          maxDelaySec: t.restart.maxDelaySec,
          steps: t.restart.steps ?? DEFAULTS.restartSteps,
        },
      }),
    },
    startTimeoutSec: t.startTimeoutSec ?? DEFAULTS.startTimeoutSec,
    ...(connectTimeoutSec !== undefined && { connectTimeoutSec }),
    hardening: (t.hardening ?? DEFAULTS.hardening) as Hardening,
    scope: (t.scope ?? DEFAULTS.scope) as Scope,
    ssh: { path: t.ssh?.path ?? DEFAULTS.sshPath, options },
    hostKeyPolicy: (t.hostKeyPolicy ??
      (hostKeys.length > 0 ? "pinned" : DEFAULTS.hostKeyPolicy)) as HostKeyPolicy,
    // Only a relay port can be refused for a dead session: other tunnels keep ssh -y.
    ...(form.logReplay &&
      forwards.some((f) => f.kind === "remote" && f.bind.kind === "tcp") && { logReplay: true }),
  };
}

/** A bind that could not be read (already reported): port 0, which the rules pass over. */
export const UNRESOLVED: Endpoint = { kind: "tcp", port: 0 };

function normalizeForward(f: RawForward, at: string, binds: Binds, out: Problems): Forward {
  const endpoint = (field: keyof RawForward, value: RawBind): Endpoint => {
    // An unresolved "auto" was reported by resolveAutoPorts.
    if (value === "auto") return UNRESOLVED;
    // A bind was read by resolveAutoPorts (an allocated port is a number); "to" is read here.
    const r = (field !== "to" && binds.get(f)) || parseEndpoint(value);
    if (r.ok) return r.endpoint;
    out.add("error", "rule/port-range", `${at}/${field}`, r.message);
    return UNRESOLVED;
  };

  // A bare port (a number or digits) is a port on localhost.
  const to = (value: RawBind | undefined): Endpoint =>
    typeof value === "number" || /^[0-9]+$/.test(value ?? "")
      ? { kind: "tcp", address: "localhost", port: Number(value) }
      : endpoint("to", value ?? 1);
  if (f.remote !== undefined)
    return { kind: "remote", bind: endpoint("remote", f.remote), to: to(f.to) };
  if (f.local !== undefined)
    return { kind: "local", bind: endpoint("local", f.local), to: to(f.to) };
  return { kind: "dynamic", bind: endpoint("dynamic", f.dynamic ?? 1) };
}

function sshOptions(t: RawTunnel, at: string, out: Problems): [string, string][] {
  const options: [string, string][] = [];
  for (const [name, value] of Object.entries(t.ssh?.options ?? {})) {
    const verdict = checkSshOption(name, value);
    const pointer = `${at}/ssh/options/${escapePointer(name)}`;
    if (verdict.ok) options.push([verdict.name, verdict.value]);
    else
      out.add("error", "rule/ssh-option", pointer, verdict.message, {
        key: { parent: `${at}/ssh/options`, name },
      });
  }
  // Sorted so that the same options give the same bytes whatever order the file lists them in.
  return options.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function describeTunnel(name: string, server: RawTunnel["server"], forwards: Forward[]): string {
  const user = server.user ? `${server.user}@` : "";
  const port = server.port && server.port !== DEFAULTS.serverPort ? `:${server.port}` : "";
  const shown = forwards
    .slice(0, 3)
    .map(
      (f) =>
        `${FORWARD_FLAG[f.kind]} ${formatEndpoint(f.bind)}${f.kind === "dynamic" ? "" : ` to ${formatEndpoint(f.to)}`}`,
    );
  const more = forwards.length > 3 ? ` and ${forwards.length - 3} more` : "";
  return `SSH tunnel ${name} via ${user}${server.host}${port} (${shown.join(", ")}${more})`;
}
