// The identity file as install finds it: the unit copies it as root (render/handover.ts), so it
// should be readable by root alone; a key others can read is as good as leaked. A key that is not
// there skips the unit's start (ConditionPathExists=, render/build-unit.ts). Pure: the gatherer
// (src/edge/read.ts) answers the mode queries.
import { dirname } from "node:path/posix";
import { deviceName, type Tunnel } from "../model/tunnel.ts";
import type { Facts } from "../edge/query.ts";
import { defaultKeyPath } from "../keygen/key-path.ts";

export const modeQuery = (path: string) => ({ kind: "mode", path }) as const;

const keysOf = (tunnels: Tunnel[]) => [
  ...new Set(tunnels.flatMap((t) => (t.identity === undefined ? [] : [t.identity]))),
];

export const identityQueries = (tunnels: Tunnel[]) => keysOf(tunnels).map(modeQuery);

export function identityWarnings(tunnels: Tunnel[], facts: Facts): string[] {
  return keysOf(tunnels).flatMap((path) => checkKey(path, facts.get(modeQuery(path)).mode));
}

/** The tunnels whose key does not exist (asked by identityQueries). */
export function withoutKey(tunnels: Tunnel[], facts: Facts): Tunnel[] {
  return tunnels.filter(
    (t) => t.identity !== undefined && facts.get(modeQuery(t.identity)).mode === undefined,
  );
}

function checkKey(path: string, mode: number | undefined): string[] {
  if (mode === undefined)
    return [
      `identity ${path} does not exist: the tunnel's start is skipped until it does (ConditionPathExists=)`,
    ];
  if ((mode & 0o077) === 0) return [];
  const who = mode & 0o007 ? "everyone" : "its group";
  return [
    `identity ${path} is readable by ${who} (mode ${(mode & 0o777).toString(8).padStart(4, "0")}): chmod 600 ${path}`,
  ];
}

/**
 * A command that makes the key when pasted: `tunnelc keygen NAME` for the path it writes by
 * default; elsewhere ssh-keygen, after the directory it cannot make itself.
 */
export function createKeyHint(t: Tunnel, key: string): string {
  const user = t.scope === "user";
  if (key === defaultKeyPath(deviceName(t), t.scope))
    return `create it${user ? "" : " (as root)"}: tunnelc keygen ${deviceName(t)}${user ? " --user" : ""}`;
  return `create it${user ? "" : " (as root)"}: mkdir -p -m 0700 ${dirname(key)} && ssh-keygen -t ed25519 -N "" -f ${key}`;
}
