// What the service reads besides its command line: the identity as a credential
// (LoadCredential=, systemd.exec(5) "Credentials"), pinned host keys as an inline credential
// (SetCredential=), and a state directory where accept-new records keys it learns.
import { specifier, type Part } from "../unit/command-line.ts";
import type { Tunnel } from "../spec/tunnel.ts";

export const CREDENTIALS = { identity: "ssh-identity", knownHosts: "ssh-known-hosts" } as const;

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

/** known_hosts lines for the pinned keys (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"). */
export function knownHostsLines(t: Tunnel): string[] {
  const { host, port } = t.server;
  const pattern = port === 22 ? host : `[${host}]:${port}`;
  return t.server.hostKeys.map((key) => `${pattern} ${key}`);
}

/** The SetCredential= value: lines joined by C-style "\n" escapes, which systemd resolves. */
export function knownHostsCredential(t: Tunnel): string {
  return `${CREDENTIALS.knownHosts}:${knownHostsLines(t).join("\\n")}\\n`;
}
