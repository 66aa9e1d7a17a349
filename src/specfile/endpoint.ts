// Forward endpoints as the spec writes them (2222, "127.0.0.1:5432", "[::1]:22", "/run/x.sock")
// → Endpoint. The schema has already checked the shape; this reads it and checks the port range.
/** Where a forward listens or connects: a TCP address and port, or a unix socket path. */
export type Endpoint =
  { kind: "tcp"; address?: string; port: number } | { kind: "unix"; path: string };

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

/** One hop as ssh writes it on the command line (ssh(1) destination, -J): [user@]host[:port]. */
export interface HopText {
  host: string;
  port?: number;
  user?: string;
}

export type HopResult = { ok: true; hop: HopText } | { ok: false; message: string };

// The same character rules as the schema's "host" and "remoteUser"; a bare IPv6 address needs
// brackets here, since its colons would read as a port.
const HOST =
  /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?|\[[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\])$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9_.@-]*$/;

/** A port written as a number or as digits ("2222"); undefined when it is neither or out of range. */
export function portOf(value: number | string): number | undefined {
  const n = typeof value === "number" ? value : /^[0-9]{1,5}$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

/**
 * "[user@]host[:port]" → its parts, or why not. The one reader of this form: spec strings for
 * server and server.jump, and init's --server.
 */
export function parseHop(text: string): HopResult {
  const fail = (why: string): HopResult => ({
    ok: false,
    message: `"${text}" is not [user@]host[:port]: ${why}`,
  });
  if (text === "") return fail("it is empty");
  if (/[\s\u0000-\u001f\u007f]/.test(text)) return fail("it contains a space or control character");
  if (text.startsWith("-")) return fail('it starts with "-", which ssh would read as an option');
  // The login name may itself contain "@" (ssh(1) splits at the last one).
  const at = text.lastIndexOf("@");
  const user = at >= 0 ? text.slice(0, at) : undefined;
  const rest = at >= 0 ? text.slice(at + 1) : text;
  if (user !== undefined && !USER.test(user))
    return fail(
      `the user "${user}" may hold only letters, digits, "_", ".", "-" and "@", and not start with "-"`,
    );
  const m = /^(\[[^\]]*\]|[^:[\]]*)(?::([^:]*))?$/.exec(rest);
  if (!m) {
    return fail(
      rest.split(":").length > 2
        ? "an IPv6 address goes in brackets, e.g. [2001:db8::1]:2222"
        : "expected host or host:port",
    );
  }
  const host = m[1]!;
  if (host === "") return fail("the host is missing");
  if (!HOST.test(host))
    return fail(
      `the host "${host}" may hold only letters, digits, "_", "." and "-" (or an IPv6 address in brackets)`,
    );
  let port: number | undefined;
  if (m[2] !== undefined) {
    port = portOf(m[2]);
    if (port === undefined || !/^[1-9][0-9]*$/.test(m[2]))
      return fail(`the port "${m[2]}" is not a port: ports are 1-65535`);
  }
  return {
    ok: true,
    hop: { host, ...(port !== undefined && { port }), ...(user !== undefined && { user }) },
  };
}

/** ssh -J's list: hops separated by commas (ssh(1) -J). */
export function parseJumpText(
  text: string,
): { ok: true; hops: HopText[] } | { ok: false; message: string } {
  const hops: HopText[] = [];
  for (const part of text.split(",")) {
    const r = parseHop(part);
    if (!r.ok) return r;
    hops.push(r.hop);
  }
  return { ok: true, hops };
}
