// A fleet's "defaults", merged under every tunnel before the tunnels are checked: objects field
// by field (server, keepAlive, restart, ssh, ssh.options), everything else (forwards, hostKeys,
// jump) replaced. Messages about a merged field point where it was written: in the tunnel, or
// in "defaults" when the tunnel left it out. Pure.
import { nodeAt, type SpecDocument } from "./parse.ts";
import { expandTunnelServer } from "../model/server-forms.ts";

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

/** The document with defaults merged into each tunnel, or undefined when there are none. */
export function withDefaults(doc: SpecDocument): SpecDocument | undefined {
  const raw = doc.value as Json;
  if (!isObject(raw) || !isObject(raw.defaults) || !Array.isArray(raw.tunnels)) return undefined;
  const { defaults, ...rest } = raw;
  // "server": "host" in defaults and {"user": ...} in a tunnel merge as the objects they stand for.
  const base = expandTunnelServer(defaults);
  const tunnels = raw.tunnels.map((t) =>
    isObject(t) ? deepMerge(base, expandTunnelServer(t)) : t,
  );
  return {
    source: doc.source,
    value: { ...rest, tunnels },
    get root() {
      return doc.root;
    },
    mapPointer: (pointer) => {
      const m = /^\/tunnels\/\d+(\/.*)$/.exec(pointer);
      if (!m || nodeAt(doc.root, pointer).exact) return pointer;
      const fromDefaults = `/defaults${m[1]}`;
      return nodeAt(doc.root, fromDefaults).exact ? fromDefaults : pointer;
    },
  };
}
