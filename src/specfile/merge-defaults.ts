// A fleet's "defaults", merged under every tunnel before the tunnels are checked: objects field
// by field (server, keepAlive, restart, ssh, ssh.options), everything else (forwards, hostKeys,
// jump) replaced. Messages about a merged field point where it was written (locate.ts maps the
// merged pointers back). Pure.
import { expandTunnelServer } from "./server-forms.ts";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  v !== null && typeof v === "object" && !Array.isArray(v);

export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over === undefined ? base : over;
  const out: Json = Object.create(null) as Json;
  for (const k of new Set([...Object.keys(base), ...Object.keys(over)]))
    out[k] = deepMerge(base[k], over[k]);
  return out;
}

/** The spec with defaults merged into each tunnel, or undefined when there are none. */
export function withDefaults(value: unknown): Json | undefined {
  if (!isObject(value) || !isObject(value.defaults) || !Array.isArray(value.tunnels))
    return undefined;
  const { defaults, ...rest } = value;
  // "server": "host" in defaults and {"user": ...} in a tunnel merge as the objects they stand for.
  const base = expandTunnelServer(defaults);
  const tunnels = value.tunnels.map((t) =>
    isObject(t) ? deepMerge(base, expandTunnelServer(t)) : t,
  );
  return { ...rest, tunnels };
}
