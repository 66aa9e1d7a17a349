// The normalized tunnel model: every default filled in, every form (seed, v1) made one shape.
// Everything after normalize works on this and nothing else.
import type { Endpoint } from "../specfile/endpoint.ts";

/** A tunnel's name, as the schema's "name" takes it: the unit's base name (NAME.service). */
export const TUNNEL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$/;

export type HostKeyPolicy = "yes" | "pinned" | "accept-new";
export type Hardening = "strict" | "basic" | "none";
export type Scope = "system" | "user";
export type RestartPolicy = "on-failure" | "always" | "on-abnormal" | "on-abort" | "no";

/** A TCP endpoint (address optional) or a unix socket path, as the spec's forms read it. */
export type { Endpoint };

export type Forward =
  | { kind: "remote"; bind: Endpoint; to: Endpoint }
  | { kind: "local"; bind: Endpoint; to: Endpoint }
  | { kind: "dynamic"; bind: Endpoint };

/** Each forward's ssh flag (ssh(1) -R, -L, -D): the one table, for ssh's argv and for messages. */
export const FORWARD_FLAG = { remote: "-R", local: "-L", dynamic: "-D" } as const satisfies Record<
  Forward["kind"],
  string
>;

export interface Hop {
  host: string;
  port: number;
  user?: string;
}

/** A device's tunnel to one of its fleet's relays (src/model/relays.ts). */
export interface Via {
  /** The device: the name written in the spec, which its key and relay account go by. */
  device: string;
  /** The relay's name in the fleet's "relays"; the tunnel's name is DEVICE.RELAY. */
  relay: string;
}

export interface Tunnel {
  name: string;
  /** Set only for a fleet with relays, so every other unit and its hash stay as they were. */
  via?: Via;
  description: string;
  /** Documentation= URIs; undefined when the spec names none. */
  documentation?: string[];
  server: Hop & { hostKeys: string[]; jump: (Hop & { hostKeys: string[] })[] };
  /** Local account (User=); undefined means a dedicated dynamic account. */
  user?: string;
  identity?: string;
  forwards: Forward[];
  keepAlive: { interval: number; countMax: number };
  compression: boolean;
  /** RestartSec= is delaySec plus this tunnel's share of spreadSec (render/restart-delay.ts); no spreadSec: 0. */
  restart: {
    policy: RestartPolicy;
    delaySec: number;
    spreadSec?: number;
    /** RestartMaxDelaySec= and RestartSteps= (systemd 254); absent: no back-off. */
    backoff?: { maxDelaySec: number; steps: number };
  };
  /** TimeoutStartSec=: how long a start may take until every forward is up. */
  startTimeoutSec: number;
  /** ssh's ConnectTimeout; undefined in the seed form and when ssh.options sets it. */
  connectTimeoutSec?: number;
  hardening: Hardening;
  scope: Scope;
  ssh: { path: string; options: [string, string][] };
  hostKeyPolicy: HostKeyPolicy;
  /**
   * ssh logs to a file of the run that ExecStopPost= replays into the journal, with the fix after
   * a refused relay port (src/render/log-replay.ts): v1 tunnels with a remote TCP forward.
   * Undefined otherwise: ssh -y, as the seed form has it.
   */
  logReplay?: true;
  /** The device's public key, for the relay's authorized_keys (not part of the unit). */
  publicKey?: string;
}

/** A tunnel together with where it came from, for headers and messages. */
export interface SourcedTunnel {
  tunnel: Tunnel;
  /** Base name of the spec file: the same bytes on every machine. */
  specName: string;
  /** JSON pointer of the tunnel inside its spec ("" for a single tunnel). */
  pointer: string;
}

/** A tunnel of the fleet model, with its origin: the file as given, the base name, the pointer. */
export interface ModelTunnel extends SourcedTunnel {
  file: string;
}

/** The device a tunnel belongs to: the name its key, its relay account and its Host go by. */
export const deviceName = (t: Pick<Tunnel, "name" | "via">): string => t.via?.device ?? t.name;

/** Whether `name` names this tunnel: its own name, or its device's (every tunnel of a device). */
export const namedBy = (t: Pick<Tunnel, "name" | "via">, name: string): boolean =>
  t.name === name || t.via?.device === name;

export function unitFileName(t: Pick<Tunnel, "name">): string {
  return `${t.name}.service`;
}
