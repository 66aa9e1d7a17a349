// Sandboxing profiles as data: each directive with the reason it is there (systemd.exec(5),
// systemd.resource-control(5)). The unit builder adds the account and credential settings; it
// adjusts only what the table marks as depending on the tunnel (ProtectHome, capabilities).
import type { Hardening } from "../spec/tunnel.ts";

export interface Directive {
  key: string;
  value: string;
  why: string;
}

const d = (key: string, value: string, why: string): Directive => ({ key, value, why });

const STRICT: Directive[] = [
  d(
    "NoNewPrivileges",
    "yes",
    "ssh never needs to gain privileges through setuid or file capabilities",
  ),
  d("ProtectSystem", "strict", "the whole file system is read-only to the tunnel"),
  d(
    "ProtectHome",
    "yes",
    "no access to /home, /root and /run/user (read-only when the account's ~/.ssh is used)",
  ),
  d("PrivateTmp", "yes", "a /tmp of its own"),
  d("PrivateDevices", "yes", "no physical devices, only /dev/null and friends"),
  d("PrivateIPC", "yes", "no System V IPC or POSIX message queues shared with other services"),
  d("PrivateMounts", "yes", "mounts it makes stay its own; the host's do not propagate in"),
  d(
    "PrivateUsers",
    "yes",
    "a user namespace: no other account's files are its own, no capabilities in the host namespace",
  ),
  d("ProtectKernelTunables", "yes", "/proc/sys and /sys are read-only"),
  d("ProtectKernelModules", "yes", "cannot load kernel modules"),
  d("ProtectKernelLogs", "yes", "cannot read the kernel log"),
  d("ProtectControlGroups", "yes", "the cgroup tree is read-only"),
  d("ProtectClock", "yes", "cannot set the clock"),
  d("ProtectHostname", "yes", "cannot change the host name"),
  d("ProtectProc", "invisible", "other processes are hidden in /proc"),
  d("ProcSubset", "pid", "only the process entries of /proc"),
  d(
    "RestrictAddressFamilies",
    "AF_INET AF_INET6 AF_UNIX",
    "IP for the tunnel, AF_UNIX for socket forwards and name lookups",
  ),
  d("RestrictNamespaces", "yes", "cannot create namespaces"),
  d("RestrictRealtime", "yes", "no realtime scheduling that could starve the machine"),
  d("RestrictSUIDSGID", "yes", "cannot create setuid or setgid files"),
  d("LockPersonality", "yes", "cannot change the execution domain"),
  d("MemoryDenyWriteExecute", "yes", "no writable and executable memory: ssh needs none"),
  d("SystemCallArchitectures", "native", "no system calls through other ABIs"),
  d("SystemCallFilter", "@system-service", "only the system calls ordinary services use"),
  d(
    "SystemCallFilter",
    "~@privileged @resources",
    "minus the privileged ones and resource control",
  ),
  d("SystemCallErrorNumber", "EPERM", "refused calls fail instead of killing ssh"),
  d(
    "CapabilityBoundingSet",
    "",
    "no capabilities at all (CAP_NET_BIND_SERVICE only for a privileged local port)",
  ),
  d(
    "AmbientCapabilities",
    "",
    "none handed to ssh (CAP_NET_BIND_SERVICE only for a privileged local port)",
  ),
  d("UMask", "0077", "files ssh creates (known_hosts, sockets) are private"),
  d("RemoveIPC", "yes", "IPC objects are removed when the service stops"),
];

const BASIC: Directive[] = [
  d("NoNewPrivileges", "yes", "ssh never needs to gain privileges"),
  d("ProtectSystem", "full", "/usr, /boot and /etc are read-only"),
  d(
    "ProtectHome",
    "read-only",
    "home directories are read-only (the account's ~/.ssh stays readable)",
  ),
  d("PrivateTmp", "yes", "a /tmp of its own"),
  d("PrivateDevices", "yes", "no physical devices"),
  d("ProtectKernelTunables", "yes", "/proc/sys and /sys are read-only"),
  d("ProtectKernelModules", "yes", "cannot load kernel modules"),
  d("ProtectControlGroups", "yes", "the cgroup tree is read-only"),
  d(
    "RestrictAddressFamilies",
    "AF_INET AF_INET6 AF_UNIX",
    "IP for the tunnel, AF_UNIX for socket forwards and name lookups",
  ),
  d("RestrictSUIDSGID", "yes", "cannot create setuid or setgid files"),
  d("LockPersonality", "yes", "cannot change the execution domain"),
];

export const PROFILES: Readonly<Record<Hardening, readonly Directive[]>> = {
  strict: STRICT,
  basic: BASIC,
  none: [],
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
