// The short forms a spec may write for a server, read as the object form everything after the
// schema works on: "server": "[user@]host[:port]", "jump": "a,b:2222" or ["a", {...}] (ssh(1)
// destination and -J syntax), and ports as digit strings. Values that do not parse are left as
// they are for the schema to report. Pure.
import { parseHop, parseJumpText, portOf, type HopText } from "./endpoint.ts";
import { isObject, type Json } from "./json-object.ts";

function withPort(hop: Json): Json {
  const port = hop.port;
  if (typeof port !== "string") return hop;
  const n = portOf(port);
  return n === undefined ? hop : { ...hop, port: n };
}

// The object form writes an IPv6 host bare (its port has a field of its own).
const hopObject = (h: HopText): Json => ({ ...h, host: h.host.replace(/^\[(.*)\]$/, "$1") });

function expandJump(jump: unknown): unknown {
  if (typeof jump === "string") {
    const r = parseJumpText(jump);
    return r.ok ? r.hops.map(hopObject) : jump;
  }
  if (!Array.isArray(jump)) return jump;
  // One hop per item, so that a message about jump/N points at the item written.
  return jump.map((j: unknown) => {
    if (typeof j === "string") {
      const r = parseHop(j);
      return r.ok ? hopObject(r.hop) : j;
    }
    return isObject(j) ? withPort(j) : j;
  });
}

/** The server value in its object form (or as it was, when it does not parse). */
export function expandServer(server: unknown): unknown {
  if (typeof server === "string") {
    const r = parseHop(server);
    return r.ok ? hopObject(r.hop) : server;
  }
  if (!isObject(server)) return server;
  const out = withPort(server);
  return "jump" in out ? { ...out, jump: expandJump(out.jump) } : out;
}

/** A tunnel with its server (and its jump hosts) in object form. */
export function expandTunnelServer<T>(tunnel: T): T {
  if (!isObject(tunnel) || !("server" in tunnel)) return tunnel;
  return { ...tunnel, server: expandServer(tunnel.server) } as T;
}
