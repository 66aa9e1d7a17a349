// The identity file as install finds it: the unit copies it as root (render/handover.ts), so it
// should be readable by root alone; a key others can read is as good as leaked. Pure: the
// gatherer (src/edge/read.ts) answers the mode queries.
import type { Tunnel } from "../model/tunnel.ts";
import type { Facts } from "../edge/query.ts";

export const modeQuery = (path: string) => ({ kind: "mode", path }) as const;

const keysOf = (tunnels: Tunnel[]) => [
  ...new Set(tunnels.flatMap((t) => (t.identity === undefined ? [] : [t.identity]))),
];

export const identityQueries = (tunnels: Tunnel[]) => keysOf(tunnels).map(modeQuery);

export function identityWarnings(tunnels: Tunnel[], facts: Facts): string[] {
  return keysOf(tunnels).flatMap((path) => checkKey(path, facts.get(modeQuery(path)).mode));
}

function checkKey(path: string, mode: number | undefined): string[] {
  if (mode === undefined)
    return [`identity ${path} does not exist: the tunnel cannot start until it does`];
  if ((mode & 0o077) === 0) return [];
  const who = mode & 0o007 ? "everyone" : "its group";
  return [
    `identity ${path} is readable by ${who} (mode ${(mode & 0o777).toString(8).padStart(4, "0")}): chmod 600 ${path}`,
  ];
}
