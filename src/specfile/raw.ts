// The spec as the schema accepts it. Only read after validation has passed.

export type RawBind = number | string;

/** A port: a number, or digits in a string (the schema checked the range). */
export type RawPort = number | string;

/** A hop in object form; expandServer (server-forms.ts) turns the string forms into this. */
export interface RawHop {
  host: string;
  port?: number;
  user?: string;
}

export interface RawForward {
  remote?: RawBind;
  local?: RawBind;
  dynamic?: RawBind;
  to?: RawBind;
}

export interface RawTunnel {
  name: string;
  description?: string;
  server: RawHop & { hostKeys?: string[]; jump?: (RawHop & { hostKeys?: string[] })[] };
  user?: string;
  identity?: string;
  forwards: RawForward[];
  keepAlive?: { interval?: number; countMax?: number };
  compression?: boolean;
  restart?: { policy?: string; delaySec?: number };
  startTimeoutSec?: number;
  hardening?: string;
  scope?: string;
  ssh?: { path?: string; options?: Record<string, string | number | boolean> };
  hostKeyPolicy?: string;
  publicKey?: string;
}

export interface RawSeed {
  enable?: boolean;
  localUser: string;
  remoteHostname: string;
  remotePort?: RawPort;
  remoteUser: string;
  bindPort?: RawPort;
}

export interface RawTunnelList {
  tunnels: RawTunnel[];
  ports?: { from: RawPort; to: RawPort };
}

export type RawSpec = RawSeed | RawTunnel | RawTunnelList;

export function isTunnelList(v: RawSpec): v is RawTunnelList {
  return "tunnels" in v;
}

export function isSeed(v: RawSpec): v is RawSeed {
  return (
    !("tunnels" in v) &&
    !("name" in v) &&
    ("remoteHostname" in v ||
      "localUser" in v ||
      "bindPort" in v ||
      "enable" in v ||
      "remoteUser" in v ||
      "remotePort" in v)
  );
}
