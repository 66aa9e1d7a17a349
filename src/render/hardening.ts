// Sandboxing profiles as one table: a row per directive, with its value in each profile and the
// one reason it is there (systemd.exec(5), systemd.resource-control(5)). The rows are data, in
// hardening.json; the unit builder adds the account and hand-over settings, and this file adjusts
// only what depends on the tunnel (ProtectHome, capabilities).
import type { Hardening } from "../model/tunnel.ts";
import rows from "./hardening.json" with { type: "json" };

export interface Directive {
  key: string;
  value: string;
  why: string;
}

/**
 * One directive: its value in each profile (absent: not emitted there) and why it is there. The
 * rows, in the order the unit lists them, are in hardening.json; "none" emits nothing.
 */
type Row = { key: string; why: string } & Partial<Record<Hardening, string>>;

const TABLE: readonly Row[] = rows;

/** A profile's directives, in table order. */
function profile(name: Hardening): Directive[] {
  return TABLE.flatMap((row) => {
    const { key, why } = row;
    const value = row[name];
    return value === undefined ? [] : [{ key, value, why }];
  });
}

export const PROFILES: Readonly<Record<Hardening, readonly Directive[]>> = {
  strict: profile("strict"),
  basic: profile("basic"),
  none: profile("none"),
};

export interface ProfileContext {
  /** The service reads the account's own ~/.ssh (key or known_hosts). */
  usesHome: boolean;
  /** A local forward binds a port below 1024. */
  bindsPrivilegedPort: boolean;
  /** A user unit: the user manager cannot drop into a user namespace or set capabilities. */
  userScope: boolean;
}

/**
 * Directives a user unit cannot have. A user manager holds no capabilities, so it cannot shrink
 * the bounding set: CapabilityBoundingSet=, AmbientCapabilities= and PrivateDevices= (which drops
 * CAP_MKNOD and CAP_SYS_RAWIO) fail the start with status 218/CAPABILITIES. Each strict directive
 * was started alone in a user manager in the e2e container; these were the only failures.
 * PrivateUsers= is left to systemd, which implies it where user namespaces allow.
 */
const NOT_FOR_USER_UNITS = new Set([
  "PrivateUsers",
  "CapabilityBoundingSet",
  "AmbientCapabilities",
  "PrivateDevices",
]);

export function profileDirectives(profile: Hardening, ctx: ProfileContext): Directive[] {
  return PROFILES[profile].flatMap((x) => adjust(x, ctx));
}

function adjust(x: Directive, ctx: ProfileContext): Directive[] {
  if (ctx.userScope && NOT_FOR_USER_UNITS.has(x.key)) return [];
  if (x.key === "ProtectHome" && ctx.usesHome && x.value === "yes")
    return [{ ...x, value: "read-only" }];
  if (!ctx.bindsPrivilegedPort) return [x];
  // A capability held inside a user namespace does not let ssh bind a host port below 1024.
  if (x.key === "PrivateUsers") return [];
  if (x.key === "CapabilityBoundingSet" || x.key === "AmbientCapabilities") {
    return [{ ...x, value: "CAP_NET_BIND_SERVICE" }];
  }
  return [x];
}
