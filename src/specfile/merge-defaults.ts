// A fleet's "defaults", merged under every tunnel before the tunnels are checked: objects field
// by field (server, keepAlive, restart, ssh, ssh.options), everything else (forwards, hostKeys,
// jump) replaced. Messages about a merged field point where it was written (locate.ts maps the
// merged pointers back). Pure.
import { expandServer, expandTunnelServer } from "./server-forms.ts";
import { isObject, type Json } from "./json-object.ts";

export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over === undefined ? base : over;
  const out: Json = Object.create(null) as Json;
  for (const k of new Set([...Object.keys(base), ...Object.keys(over)]))
    out[k] = deepMerge(base[k], over[k]);
  return out;
}

/** A fleet's relays, in the order written (src/model/relays.ts); none when it has none. */
export function relaysOf(spec: unknown): [string, unknown][] {
  return isObject(spec) && isObject(spec.relays) ? Object.entries(spec.relays) : [];
}

/**
 * The spec with defaults merged into each tunnel, or undefined when there are none. A fleet with
 * relays gives its tunnels no server: each is checked with its first relay's in its place (the
 * relays' values are checked where they are written; src/model/relays.ts reports a server
 * written beside them and makes one tunnel per relay).
 */
export function withDefaults(value: unknown): Json | undefined {
  if (!isObject(value) || !Array.isArray(value.tunnels)) return undefined;
  const [relay] = relaysOf(value);
  if (!isObject(value.defaults) && relay === undefined) return undefined;
  const { defaults, ...rest } = value;
  // "server": "host" in defaults and {"user": ...} in a tunnel merge as the objects they stand for.
  const base = isObject(defaults) ? expandTunnelServer(defaults) : {};
  const tunnels = value.tunnels.map((t) => {
    if (!isObject(t)) return t;
    const merged = deepMerge(base, expandTunnelServer(t));
    return relay === undefined ? merged : { ...(merged as Json), server: expandServer(relay[1]) };
  });
  return { ...rest, tunnels };
}
