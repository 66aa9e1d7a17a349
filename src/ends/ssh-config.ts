// The laptop's side: a Host block per device that reaches its sshd through the relay with
// ProxyJump (ssh_config(5)), instead of the old `ProxyCommand ssh relay nc localhost 2222`. Pure.
import { isWildcard } from "../model/endpoint.ts";
import { formatJump, unbracket } from "../model/host-format.ts";
import type { Endpoint, Tunnel } from "../model/tunnel.ts";
import type { EndsModel } from "./relay.ts";

/** The remote forward that leads to the device's sshd: the one to port 22. */
function sshForward(t: Tunnel): (Endpoint & { kind: "tcp" }) | undefined {
  for (const f of t.forwards) {
    if (f.kind === "remote" && f.bind.kind === "tcp" && f.to.kind === "tcp" && f.to.port === 22)
      return f.bind;
  }
  return undefined;
}

/** The jump to the relay; the laptop's own relay account when given, else the device's. */
function relay(t: Tunnel, relayUser: string | undefined): string {
  const user = relayUser ?? t.server.user;
  return formatJump({
    host: t.server.host,
    port: t.server.port,
    ...(user !== undefined && { user }),
  });
}

/** Where the relay-side listener is reached from the relay itself: its address, or localhost. */
function hostName(bind: Endpoint & { kind: "tcp" }): string {
  if (bind.address === undefined || isWildcard(bind)) return "localhost";
  return unbracket(bind.address);
}

export function sshConfig(model: EndsModel, relayUser?: string): string {
  const blocks = model.tunnels.map(({ tunnel: t, specName }) => {
    const bind = sshForward(t);
    if (bind === undefined)
      return `# tunnelc: ${t.name} has no remote forward to port 22: nothing to reach (${specName})`;
    return [
      `# tunnelc: ${t.name}'s sshd, through the relay's port ${bind.port} (${specName})`,
      `Host ${t.name}`,
      `    HostName ${hostName(bind)}`,
      `    Port ${bind.port}`,
      `    ProxyJump ${relay(t, relayUser)}`,
      "    # the device's own host key, kept apart from the relay's localhost",
      `    HostKeyAlias ${t.name}`,
    ].join("\n");
  });
  return blocks.join("\n\n") + "\n";
}
