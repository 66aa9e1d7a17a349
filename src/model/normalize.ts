// Raw spec (any form) → normalized tunnels with every default filled in. Value-level problems the
// schema cannot express (a port inside a string, an ssh option off the allow-list) are reported
// here with their location; cross-field rules live in rules.ts.
import { basename } from "node:path/posix";
import { DEFAULTS } from "./defaults.ts";
import { formatEndpoint, parseEndpoint, portOf } from "./endpoint.ts";
import { unbracket } from "./host-format.ts";
import { expandTunnelServer } from "./server-forms.ts";
import { diagnosticFor, escapePointer, keyNodeAt, type SpecDocument } from "../specfile/parse.ts";
import {
  isSeed,
  isTunnelList,
  type RawBind,
  type RawForward,
  type RawSeed,
  type RawSpec,
  type RawTunnel,
} from "../specfile/raw.ts";
import { checkSshOption } from "./ssh-options.ts";
import { allocatePorts, type PortRequest, type Range } from "./ports.ts";
import type {
  Endpoint,
  Forward,
  Hardening,
  HostKeyPolicy,
  RestartPolicy,
  Scope,
  SourcedTunnel,
  Tunnel,
} from "./tunnel.ts";
import type { Diagnostic } from "../errors.ts";

export interface Normalized {
  tunnels: SourcedTunnel[];
  diagnostics: Diagnostic[];
}

export function normalize(doc: SpecDocument): Normalized {
  const raw = doc.value as RawSpec;
  const specName = basename(doc.source.file.replace(/\\/g, "/")) || "-";
  const diagnostics: Diagnostic[] = [];
  const entries: [RawTunnel, string][] = (
    isTunnelList(raw)
      ? raw.tunnels.map((t, i): [RawTunnel, string] => [t, `/tunnels/${i}`])
      : isSeed(raw)
        ? seedEntries(doc, raw, diagnostics)
        : [[raw as RawTunnel, ""] as [RawTunnel, string]]
  ).map(([t, pointer]) => [expandTunnelServer(t), pointer]);
  const ports = isTunnelList(raw) ? raw.ports : undefined;
  const range = ports && { from: portOf(ports.from) ?? 0, to: portOf(ports.to) ?? 0 };
  const resolved = resolveAutoPorts(doc, range, entries, diagnostics);
  const tunnels = resolved.map(([t, pointer]) => ({
    tunnel: normalizeTunnel(doc, t, pointer, diagnostics, isSeed(raw) ? SEED_FORM : V1_FORM),
    specName,
    pointer,
  }));
  return { tunnels, diagnostics };
}

const relayOf = (t: RawTunnel) =>
  `${unbracket(t.server.host)}:${t.server.port ?? DEFAULTS.serverPort}`;

/** Replaces "remote": "auto" with ports from the spec's range (src/model/ports.ts). */
function resolveAutoPorts(
  doc: SpecDocument,
  range: Range | undefined,
  entries: [RawTunnel, string][],
  out: Diagnostic[],
): [RawTunnel, string][] {
  const requests: (PortRequest & { pointer: string })[] = [];
  const taken = new Map<string, Set<number>>();
  for (const [t, pointer] of entries) {
    t.forwards.forEach((f, i) => {
      const at = `${pointer}/forwards/${i}`;
      if (f.local === "auto" || f.dynamic === "auto") {
        out.push(
          diagnosticFor(
            doc,
            "error",
            "rule/auto-port",
            `${at}/${f.local === "auto" ? "local" : "dynamic"}`,
            '"auto" allocates relay ports: only remote forwards take it',
          ),
        );
      }
      if (f.remote === "auto")
        requests.push({ key: `${t.name}/${i}`, relay: relayOf(t), pointer: `${at}/remote` });
      else if (f.remote !== undefined) {
        const e = parseEndpoint(f.remote);
        if (e.ok && e.endpoint.kind === "tcp")
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
    for (const r of requests)
      out.push(diagnosticFor(doc, "error", "rule/auto-port", r.pointer, `"auto" ${why}`));
    return entries;
  }
  const ports = allocatePorts(requests, range, taken);
  if (!(ports instanceof Map)) {
    const r = requests.find((x) => x.key === ports.exhausted.key)!;
    out.push(
      diagnosticFor(
        doc,
        "error",
        "rule/auto-port",
        r.pointer,
        `no free port left in ${range.from}-${range.to} on ${r.relay}`,
      ),
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

function seedEntries(
  doc: SpecDocument,
  seed: RawSeed,
  diagnostics: Diagnostic[],
): [RawTunnel, string][] {
  if (seed.enable === false) {
    diagnostics.push(
      diagnosticFor(
        doc,
        "warning",
        "rule/seed-disabled",
        "/enable",
        "enable is false: no unit is compiled for this spec",
      ),
    );
    return [];
  }
  return [[seedToTunnel(seed), ""]];
}

/** Defaults that differ by form: the seed keeps the NixOS module's timing. */
interface FormDefaults {
  keepAliveInterval: number;
  restartDelaySec: number;
  connectTimeoutSec?: number;
}
const V1_FORM: FormDefaults = {
  keepAliveInterval: DEFAULTS.keepAliveInterval,
  restartDelaySec: DEFAULTS.restartDelaySec,
  connectTimeoutSec: DEFAULTS.connectTimeoutSec,
};
const SEED_FORM: FormDefaults = {
  keepAliveInterval: DEFAULTS.seedKeepAliveInterval,
  restartDelaySec: DEFAULTS.seedRestartDelaySec,
};

function normalizeTunnel(
  doc: SpecDocument,
  t: RawTunnel,
  at: string,
  out: Diagnostic[],
  form: FormDefaults,
): Tunnel {
  const forwards = t.forwards.map((f, i) => normalizeForward(doc, f, `${at}/forwards/${i}`, out));
  const options = sshOptions(doc, t, at, out);
  // ssh takes the first value it is given, so a ConnectTimeout in ssh.options replaces ours.
  const connectTimeoutSec = options.some(([name]) => name === "ConnectTimeout")
    ? undefined
    : form.connectTimeoutSec;
  const hostKeys = t.server.hostKeys ?? [];
  return {
    name: t.name,
    description: t.description?.trim() || describeTunnel(t.name, t.server, forwards),
    server: {
      host: unbracket(t.server.host),
      port: t.server.port ?? DEFAULTS.serverPort,
      ...(t.server.user !== undefined && { user: t.server.user }),
      hostKeys,
      jump: (t.server.jump ?? []).map((j) => ({
        host: unbracket(j.host),
        port: j.port ?? DEFAULTS.serverPort,
        ...(j.user !== undefined && { user: j.user }),
        hostKeys: j.hostKeys ?? [],
      })),
    },
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
    },
    startTimeoutSec: t.startTimeoutSec ?? DEFAULTS.startTimeoutSec,
    ...(connectTimeoutSec !== undefined && { connectTimeoutSec }),
    hardening: (t.hardening ?? DEFAULTS.hardening) as Hardening,
    scope: (t.scope ?? DEFAULTS.scope) as Scope,
    ssh: { path: t.ssh?.path ?? DEFAULTS.sshPath, options },
    hostKeyPolicy: (t.hostKeyPolicy ??
      (hostKeys.length > 0 ? "pinned" : DEFAULTS.hostKeyPolicy)) as HostKeyPolicy,
  };
}

/** A bind that could not be read (already reported): port 0, which the rules pass over. */
export const UNRESOLVED: Endpoint = { kind: "tcp", port: 0 };

function normalizeForward(
  doc: SpecDocument,
  f: RawForward,
  at: string,
  out: Diagnostic[],
): Forward {
  const endpoint = (field: keyof RawForward, value: RawBind): Endpoint => {
    // An unresolved "auto" was reported by resolveAutoPorts.
    if (value === "auto") return UNRESOLVED;
    const r = parseEndpoint(value);
    if (r.ok) return r.endpoint;
    out.push(diagnosticFor(doc, "error", "rule/port-range", `${at}/${field}`, r.message));
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

function sshOptions(
  doc: SpecDocument,
  t: RawTunnel,
  at: string,
  out: Diagnostic[],
): [string, string][] {
  const options: [string, string][] = [];
  for (const [name, value] of Object.entries(t.ssh?.options ?? {})) {
    const verdict = checkSshOption(name, value);
    const pointer = `${at}/ssh/options/${escapePointer(name)}`;
    if (verdict.ok) options.push([verdict.name, verdict.value]);
    else
      out.push(
        diagnosticFor(
          doc,
          "error",
          "rule/ssh-option",
          pointer,
          verdict.message,
          keyNodeAt(doc.root, `${at}/ssh/options`, name),
        ),
      );
  }
  // Sorted so that the same options give the same bytes whatever order the file lists them in.
  return options.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const FLAG = { remote: "-R", local: "-L", dynamic: "-D" } as const;

function describeTunnel(name: string, server: RawTunnel["server"], forwards: Forward[]): string {
  const user = server.user ? `${server.user}@` : "";
  const port = server.port && server.port !== DEFAULTS.serverPort ? `:${server.port}` : "";
  const shown = forwards
    .slice(0, 3)
    .map(
      (f) =>
        `${FLAG[f.kind]} ${formatEndpoint(f.bind)}${f.kind === "dynamic" ? "" : ` to ${formatEndpoint(f.to)}`}`,
    );
  const more = forwards.length > 3 ? ` and ${forwards.length - 3} more` : "";
  return `SSH tunnel ${name} via ${user}${server.host}${port} (${shown.join(", ")}${more})`;
}
