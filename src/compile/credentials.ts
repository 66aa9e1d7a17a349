// What the service reads besides its command line: the identity as a credential
// (LoadCredential=, systemd.exec(5) "Credentials"), pinned host keys as an inline credential
// (SetCredential=), and a state directory where accept-new records keys it learns.
import { specifier, type Part } from "../unit/command-line.ts";
import { knownHostsPattern } from "../spec/host-format.ts";
import type { Tunnel } from "../spec/tunnel.ts";

export const CREDENTIALS = {
  identity: "ssh-identity",
  knownHosts: "ssh-known-hosts",
  sshConfig: "ssh-config",
} as const;

export interface KnownHostsFiles {
  /** The UserKnownHostsFile= value (ssh_config(5): several files, space-separated). */
  user: Part[];
  global?: string;
}

/** Where ssh looks up host keys; undefined: ssh's defaults (~/.ssh/known_hosts, /etc/ssh/ssh_known_hosts). */
export function knownHostsFiles(t: Tunnel): KnownHostsFiles | undefined {
  if (t.hostKeyPolicy === "pinned") {
    // Only the pinned keys: no other file may vouch for the server.
    return { user: [specifier("d"), `/${CREDENTIALS.knownHosts}`], global: "/dev/null" };
  }
  if (t.hostKeyPolicy === "accept-new") {
    const own = t.user !== undefined || t.scope === "user" ? " ~/.ssh/known_hosts" : "";
    return { user: [specifier("S"), `/${stateDirectory(t)}/known_hosts${own}`] };
  }
  return undefined;
}

/** StateDirectory= (relative to /var/lib or ~/.local/state) when ssh must write known_hosts. */
export function stateDirectory(t: Tunnel): string | undefined {
  return t.hostKeyPolicy === "accept-new" ? `tunnelc/${t.name}` : undefined;
}

/** known_hosts lines for the pinned keys, the server's and its jump hosts' (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"). */
export function knownHostsLines(t: Tunnel): string[] {
  return [t.server, ...t.server.jump].flatMap((h) =>
    h.hostKeys.map((key) => `${knownHostsPattern(h.host, h.port)} ${key}`),
  );
}

/**
 * With jump hosts, ssh starts each jump as a separate `ssh -W` that inherits none of the command
 * line's -o options, but it does pass -F on (ssh(1) -J). So the tunnel's safety options also go
 * into a config file, an inline credential, that both connections read. Paths use the
 * environment systemd sets ($CREDENTIALS_DIRECTORY, $STATE_DIRECTORY; ssh_config(5) expands
 * ${VAR} in these options).
 */
export function sshConfigLines(t: Tunnel): string[] {
  const lines = [
    "Host *",
    "BatchMode yes",
    `StrictHostKeyChecking ${t.hostKeyPolicy === "accept-new" ? "accept-new" : "yes"}`,
    `ServerAliveInterval ${t.keepAlive.interval}`,
    `ServerAliveCountMax ${t.keepAlive.countMax}`,
  ];
  if (t.hostKeyPolicy === "pinned") {
    lines.push(
      `UserKnownHostsFile \${CREDENTIALS_DIRECTORY}/${CREDENTIALS.knownHosts}`,
      "GlobalKnownHostsFile /dev/null",
      "UpdateHostKeys no",
    );
  }
  if (t.hostKeyPolicy === "accept-new") {
    const own = t.user !== undefined || t.scope === "user" ? " ~/.ssh/known_hosts" : "";
    lines.push(`UserKnownHostsFile \${STATE_DIRECTORY}/known_hosts${own}`);
  }
  if (t.identity !== undefined)
    lines.push(
      `IdentityFile \${CREDENTIALS_DIRECTORY}/${CREDENTIALS.identity}`,
      "IdentitiesOnly yes",
    );
  for (const [name, value] of t.ssh.options) lines.push(`${name} ${value}`);
  return lines;
}

export function sshConfigCredential(t: Tunnel): string {
  return `${CREDENTIALS.sshConfig}:${sshConfigLines(t).join("\\n")}\\n`;
}

/** The SetCredential= value: lines joined by C-style "\n" escapes, which systemd resolves. */
export function knownHostsCredential(t: Tunnel): string {
  return `${CREDENTIALS.knownHosts}:${knownHostsLines(t).join("\\n")}\\n`;
}
