// What the service reads besides its command line: the identity as a credential
// (LoadCredential=, systemd.exec(5) "Credentials"), pinned host keys as an inline credential
// (SetCredential=), and a state directory where accept-new records keys it learns.
import { knownHostsPattern } from "../model/host-format.ts";
import type { Tunnel } from "../model/tunnel.ts";

export const CREDENTIALS = {
  identity: "ssh-identity",
  knownHosts: "ssh-known-hosts",
  sshConfig: "ssh-config",
} as const;

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

/** The SetCredential= value: lines joined by C-style "\n" escapes, which systemd resolves. */
export function knownHostsCredential(t: Tunnel): string {
  return `${CREDENTIALS.knownHosts}:${knownHostsLines(t).join("\\n")}\\n`;
}
