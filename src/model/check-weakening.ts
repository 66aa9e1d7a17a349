// Choices that widen what a tunnel's process may do, said out loud. A spec has the authority of
// the manager that runs its unit (docs/security.md, "Who writes specs"): it may run ssh as root,
// without the sandbox, or run another program than ssh. Each is allowed, none goes unseen:
// validate, compile, install and the generator warn, at the field. Pure; a data table.
import type { Code } from "../codes.ts";
import type { Problem } from "../specfile/problem.ts";
import type { SourcedTunnel, Tunnel } from "./tunnel.ts";
import { seedPointer } from "./check-rules.ts";

/** Where distributions install OpenSSH's client (Debian, Fedora, Arch; /usr/local; NixOS). */
export const USUAL_SSH_PATHS: ReadonlySet<string> = new Set([
  "/usr/bin/ssh",
  "/bin/ssh",
  "/usr/local/bin/ssh",
  "/run/current-system/sw/bin/ssh",
]);

interface Weakening {
  code: Code;
  field: string;
  /** The warning, when the tunnel makes this choice. */
  when: (t: Tunnel) => string | undefined;
}

const WEAKENINGS: Weakening[] = [
  {
    code: "weak/root",
    field: "/user",
    when: (t) =>
      t.user === "root"
        ? 'ssh runs as root: a flaw in ssh, or a hostile relay exploiting it, gets the whole machine; leave "user" out for a dedicated dynamic account'
        : undefined,
  },
  {
    code: "weak/hardening",
    field: "/hardening",
    when: (t) =>
      t.hardening === "strict"
        ? undefined
        : `hardening "${t.hardening}" turns off ${t.hardening === "none" ? "the whole sandbox" : "the namespace, system-call and capability restrictions"} (docs/security.md); "strict" is the default`,
  },
  {
    code: "weak/ssh-path",
    field: "/ssh/path",
    when: (t) =>
      USUAL_SSH_PATHS.has(t.ssh.path)
        ? undefined
        : `${t.ssh.path} is not where OpenSSH's client is installed (${[...USUAL_SSH_PATHS].join(", ")}): the unit runs whatever program is there, as the tunnel's account; "tunnelc doctor" checks that it is ssh`,
  },
  {
    code: "weak/socket-mask",
    field: "/ssh/options",
    when: (t) => {
      // ssh_config(5) StreamLocalBindMask: the bits cleared from a forwarded socket's mode
      // (default 0177). Connecting to a Unix socket needs write permission on it (unix(7)).
      const mask = t.ssh.options.find(([name]) => name === "StreamLocalBindMask")?.[1];
      if (mask === undefined || (parseInt(mask, 8) & 0o022) === 0o022) return undefined;
      return `StreamLocalBindMask ${mask} lets ${(parseInt(mask, 8) & 0o002) === 0 ? "every local account" : "the socket's group"} connect to the tunnel's forwarded sockets; the default, 0177, lets only their owner`;
    },
  },
];

export function checkWeakening(file: string, tunnels: SourcedTunnel[], seed: boolean): Problem[] {
  const out: Problem[] = [];
  for (const { tunnel, pointer } of tunnels)
    for (const w of WEAKENINGS) {
      const message = w.when(tunnel);
      if (message === undefined) continue;
      const at = `${pointer}${w.field}`;
      // A choice made in a fleet's "defaults" is reported once, where it is written.
      out.push({
        severity: "warning",
        code: w.code,
        message,
        file,
        pointer: seed ? seedPointer(at) : at,
      });
    }
  return out;
}
