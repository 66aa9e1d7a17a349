// `ssh -G`'s forward lines → the spec's forwards. ssh prints a listener as `PORT`,
// `[ADDRESS]:PORT` or a socket path, and a target as `[HOST]:PORT` or a socket path
// (ssh.c dump_cfg_forwards); the spec writes an IPv6 address in brackets and others bare
// (docs/spec.md "Forwards").
import type { SchemaForward } from "../specfile/generated/schema-types.ts";

export type ForwardRead = { ok: true; forward: SchemaForward } | { ok: false; message: string };

const BRACKETED = /^\[([^\]]*)\]:([0-9]+)$/;

/** `[addr]:port`, `port` or a path → the spec's endpoint text; undefined for what it cannot say. */
function endpoint(text: string, bareAddress: boolean): string | number | undefined {
  if (text.startsWith("/")) return text;
  if (/^[0-9]+$/.test(text)) return Number(text);
  const m = BRACKETED.exec(text);
  if (m === null) return undefined;
  const [, address = "", port = ""] = m;
  if (address.includes(":")) return `[${address}]:${port}`;
  // An empty bind address is every address (ssh(1) -L, -R: "an empty address or '*'").
  if (address === "") return `*:${port}`;
  // A target of "localhost:PORT" is what the spec's plain port means; a listener keeps its address.
  if (bareAddress && address === "localhost") return Number(port);
  return `${address}:${port}`;
}

const port0 = (e: string | number | undefined) =>
  e === 0 || (typeof e === "string" && /:0$/.test(e));

export function readForward(kind: "local" | "remote" | "dynamic", value: string): ForwardRead {
  const [listen = "", target, ...more] = value.split(" ");
  const bind = endpoint(listen, false);
  if (bind === undefined || more.length > 0)
    return { ok: false, message: `cannot read ssh's forward "${value}"` };
  if (port0(bind))
    return {
      ok: false,
      message:
        kind === "remote"
          ? "-R 0 lets the server choose the port, which nobody on this side would know; give the port"
          : "port 0 lets the system choose the port, which nobody would know; give the port",
    };
  if (kind === "dynamic") return { ok: true, forward: { dynamic: bind } };
  // ssh prints -R PORT (a SOCKS proxy on the server side) with the target "[socks]:0".
  if (kind === "remote" && target === "[socks]:0")
    return {
      ok: false,
      message:
        "-R with only a port makes the server side a SOCKS proxy into this network (reverse dynamic forwarding), which tunnelc does not offer",
    };
  const to = target === undefined ? undefined : endpoint(target, true);
  if (to === undefined || port0(to))
    return { ok: false, message: `cannot read the target of ssh's forward "${value}"` };
  return {
    ok: true,
    forward: kind === "remote" ? { remote: bind, to } : { local: bind, to },
  };
}
