// Sandboxing profiles as one table: a row per directive, with its value in each profile and the
// one reason it is there (systemd.exec(5), systemd.resource-control(5)). The unit builder adds the account and credential settings; it
// adjusts only what the table marks as depending on the tunnel (ProtectHome, capabilities).
import type { Hardening } from "../model/tunnel.ts";

export interface Directive {
  key: string;
  value: string;
  why: string;
}

/** One directive: its value in each profile (absent: not emitted there) and why it is there. */
interface Row {
  key: string;
  in: Partial<Record<Hardening, string>>;
  why: string;
}

const strict = (value: string) => ({ strict: value });
const both = (value: string) => ({ strict: value, basic: value });

// In the order the unit lists them; "none" emits nothing.
const TABLE: Row[] = [
  {
    key: "NoNewPrivileges",
    in: both("yes"),
    why: "ssh never needs to gain privileges through setuid or file capabilities",
  },
  {
    key: "ProtectSystem",
    in: { strict: "strict", basic: "full" },
    why: "the file system is read-only to the tunnel: all of it (strict), or /usr, /boot and /etc (full)",
  },
  {
    key: "ProtectHome",
    in: { strict: "yes", basic: "read-only" },
    why: "no access to /home, /root and /run/user (read-only when the account's ~/.ssh is used)",
  },
  { key: "PrivateTmp", in: both("yes"), why: "a /tmp of its own" },
  {
    key: "PrivateDevices",
    in: both("yes"),
    why: "no physical devices, only /dev/null and friends",
  },
  {
    key: "PrivateIPC",
    in: strict("yes"),
    why: "no System V IPC or POSIX message queues shared with other services",
  },
  {
    key: "PrivateMounts",
    in: strict("yes"),
    why: "mounts it makes stay its own; the host's do not propagate in",
  },
  {
    key: "PrivateUsers",
    in: strict("yes"),
    why: "a user namespace: no other account's files are its own, no capabilities in the host namespace",
  },
  { key: "ProtectKernelTunables", in: both("yes"), why: "/proc/sys and /sys are read-only" },
  { key: "ProtectKernelModules", in: both("yes"), why: "cannot load kernel modules" },
  { key: "ProtectKernelLogs", in: strict("yes"), why: "cannot read the kernel log" },
  { key: "ProtectControlGroups", in: both("yes"), why: "the cgroup tree is read-only" },
  { key: "ProtectClock", in: strict("yes"), why: "cannot set the clock" },
  { key: "ProtectHostname", in: strict("yes"), why: "cannot change the host name" },
  { key: "ProtectProc", in: strict("invisible"), why: "other processes are hidden in /proc" },
  { key: "ProcSubset", in: strict("pid"), why: "only the process entries of /proc" },
  {
    key: "RestrictAddressFamilies",
    in: both("AF_INET AF_INET6 AF_UNIX"),
    why: "IP for the tunnel, AF_UNIX for socket forwards and name lookups",
  },
  { key: "RestrictNamespaces", in: strict("yes"), why: "cannot create namespaces" },
  {
    key: "RestrictRealtime",
    in: strict("yes"),
    why: "no realtime scheduling that could starve the machine",
  },
  { key: "RestrictSUIDSGID", in: both("yes"), why: "cannot create setuid or setgid files" },
  { key: "LockPersonality", in: both("yes"), why: "cannot change the execution domain" },
  {
    key: "MemoryDenyWriteExecute",
    in: strict("yes"),
    why: "no writable and executable memory: ssh needs none",
  },
  {
    key: "SystemCallArchitectures",
    in: strict("native"),
    why: "no system calls through other ABIs",
  },
  {
    key: "SystemCallFilter",
    in: strict("@system-service"),
    why: "only the system calls ordinary services use",
  },
  {
    key: "SystemCallFilter",
    in: strict("~@privileged @resources"),
    why: "minus the privileged ones and resource control",
  },
  {
    key: "SystemCallErrorNumber",
    in: strict("EPERM"),
    why: "refused calls fail instead of killing ssh",
  },
  {
    key: "CapabilityBoundingSet",
    in: strict(""),
    why: "no capabilities at all (CAP_NET_BIND_SERVICE only for a privileged local port)",
  },
  {
    key: "AmbientCapabilities",
    in: strict(""),
    why: "none handed to ssh (CAP_NET_BIND_SERVICE only for a privileged local port)",
  },
  { key: "UMask", in: strict("0077"), why: "files ssh creates (known_hosts, sockets) are private" },
  { key: "RemoveIPC", in: strict("yes"), why: "IPC objects are removed when the service stops" },
];

/** A profile's directives, in table order. */
function profile(name: Hardening): Directive[] {
  return TABLE.flatMap(({ key, in: values, why }) => {
    const value = values[name];
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
