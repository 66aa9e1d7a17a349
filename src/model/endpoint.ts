// Forward endpoints as the spec writes them (2222, "127.0.0.1:5432", "[::1]:22", "/run/x.sock")
// → Endpoint. The schema has already checked the shape; this reads it and checks the port range.
import type { Endpoint } from "./tunnel.ts";

export type EndpointResult = { ok: true; endpoint: Endpoint } | { ok: false; message: string };

export function parseEndpoint(value: number | string, defaultAddress?: string): EndpointResult {
  if (typeof value === "number") {
    return { ok: true, endpoint: withAddress({ kind: "tcp", port: value }, defaultAddress) };
  }
  if (value.startsWith("/")) return { ok: true, endpoint: { kind: "unix", path: value } };
  const colon = value.lastIndexOf(":");
  const address = colon >= 0 ? value.slice(0, colon) : undefined;
  const port = Number(value.slice(colon + 1));
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return {
      ok: false,
      message: `port ${value.slice(colon + 1)} is out of range: ports are 1-65535`,
    };
  }
  return { ok: true, endpoint: withAddress({ kind: "tcp", port }, address ?? defaultAddress) };
}

function withAddress(e: { kind: "tcp"; port: number }, address: string | undefined): Endpoint {
  return address === undefined ? e : { ...e, address };
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

export function isLoopback(e: Endpoint): boolean {
  return (
    e.kind === "unix" ||
    e.address === undefined ||
    LOOPBACK.has(e.address) ||
    /^127\./.test(e.address)
  );
}

export function isWildcard(e: Endpoint): boolean {
  return (
    e.kind === "tcp" &&
    (e.address === "*" || e.address === "0.0.0.0" || e.address === "[::]" || e.address === "")
  );
}

/** A key under which two binds collide: same port on the same (or a wildcard) address, or one path. */
export function bindKey(e: Endpoint): string {
  return e.kind === "unix" ? `unix:${e.path}` : `tcp:${e.port}`;
}

export function sameBind(a: Endpoint, b: Endpoint): boolean {
  if (a.kind === "unix" || b.kind === "unix") return a.kind === b.kind && bindKey(a) === bindKey(b);
  if (a.port !== b.port) return false;
  const norm = (e: typeof a) => (isLoopback(e) ? "loopback" : (e.address ?? ""));
  return isWildcard(a) || isWildcard(b) || norm(a) === norm(b);
}

export function formatEndpoint(e: Endpoint): string {
  if (e.kind === "unix") return e.path;
  return e.address === undefined ? String(e.port) : `${e.address}:${e.port}`;
}
