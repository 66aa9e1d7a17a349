// The laptop's side: a Host block per device that reaches its sshd through the relay with
// ProxyJump (ssh_config(5)), instead of the old `ProxyCommand ssh relay nc localhost 2222`. Pure.
import { isWildcard } from "../specfile/endpoint.ts";
import { formatJump, unbracket } from "../model/host-format.ts";
import type { Endpoint, Tunnel } from "../model/tunnel.ts";
import type { EndsModel, EndsProblem } from "./relay.ts";
import { hostNameProblem, loginNameProblem } from "./grammar.ts";

/** A Host pattern and HostKeyAlias: one token, no pattern characters, no `%` (ssh_config(5)). */
const HOST_ALIAS = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * Every spec value a Host block would hold, against ssh_config(5)'s grammar (src/ends/grammar.ts):
 * the name (Host, HostKeyAlias), the relay's host and user (ProxyJump, run through a shell by
 * OpenSSH 9.2), the listener's address (HostName). The schema narrows them already.
 */
export function sshConfigProblems(model: EndsModel): EndsProblem[] {
  return model.tunnels.flatMap((mt) => {
    const t = mt.tunnel;
    const out: EndsProblem[] = [];
    if (!HOST_ALIAS.test(t.name))
      out.push({
        tunnel: mt,
        at: "/name",
        message: `${JSON.stringify(t.name)} cannot be an ssh_config Host name`,
      });
    const host = hostNameProblem(t.server.host);
    if (host !== undefined) out.push({ tunnel: mt, at: "/server", message: `ProxyJump: ${host}` });
    const user = t.server.user === undefined ? undefined : loginNameProblem(t.server.user);
    if (user !== undefined) out.push({ tunnel: mt, at: "/server", message: `ProxyJump: ${user}` });
    const bind = sshForward(t);
    if (bind?.address !== undefined && !isWildcard(bind)) {
      const addr = hostNameProblem(bind.address);
      if (addr !== undefined)
        out.push({ tunnel: mt, at: "/forwards", message: `HostName: ${addr}` });
    }
    return out;
  });
}

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

/** Callers check the model with sshConfigProblems and `relayUser` with loginNameProblem first. */
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
