// How a host (and its port and user) is written where ssh reads it. One place for each form, so
// the known_hosts pattern, the -J list and the ProxyJump line cannot drift apart.
import type { Hop } from "./tunnel.ts";

/** "[::1]" → "::1"; anything not wrapped in brackets as it is. */
export function unbracket(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/** An IPv6 address in brackets, so that a ":port" after it cannot be misread (ssh(1) -J). */
export function bracket(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/** The known_hosts host pattern: "host" on port 22, "[host]:port" otherwise (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"). */
export function knownHostsPattern(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** [user@]host[:port] as ssh -J and ProxyJump take it (ssh(1) -J, ssh_config(5) ProxyJump). */
export function formatJump(h: Hop): string {
  const user = h.user !== undefined ? `${h.user}@` : "";
  return `${user}${bracket(h.host)}${h.port !== 22 ? `:${h.port}` : ""}`;
}
