// The laptop's side: a Host block per device that reaches its sshd through the relay with
// ProxyJump (ssh_config(5)), instead of the old `ProxyCommand ssh relay nc localhost 2222`; a
// device of several relays through whichever answers first, in its order (ProxyCommand and sh,
// which every laptop with OpenSSH has). Pure.
import { isWildcard } from "../specfile/endpoint.ts";
import { formatJump, unbracket } from "../model/host-format.ts";
import { deviceName, type Endpoint, type Tunnel } from "../model/tunnel.ts";
import { groupBy } from "../group-by.ts";
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
    if (!HOST_ALIAS.test(deviceName(t)))
      out.push({
        tunnel: mt,
        at: "/name",
        message: `${JSON.stringify(deviceName(t))} cannot be an ssh_config Host name`,
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

/**
 * How long the laptop waits for each relay but the last before it tries the next (ssh_config(5)
 * ConnectTimeout: the TCP connect and, in OpenSSH 9.x, the SSH banner): a relay whose host is
 * gone costs this much, one whose sshd is down or whose device port is closed answers at once.
 */
export const FAILOVER_CONNECT_TIMEOUT = 2;

/** ssh -W's "host:port", an IPv6 address in brackets, and then in sh's double quotes: "[" starts
 *  a pattern sh would match against the laptop's file names (sh(1) "Pattern Matching"). */
const stdioTarget = (bind: Endpoint & { kind: "tcp" }): string => {
  const host = hostName(bind);
  return host.includes(":") ? `"[${host}]:${bind.port}"` : `${host}:${bind.port}`;
};

/** One relay's try: ssh to the relay that connects its stdio to the device's port there. */
function relayTry(
  t: Tunnel,
  bind: Endpoint & { kind: "tcp" },
  relayUser: string | undefined,
  last: boolean,
): string {
  const user = relayUser ?? t.server.user;
  return [
    "ssh",
    ...(last ? [] : ["-o", `ConnectTimeout=${FAILOVER_CONNECT_TIMEOUT}`]),
    "-W",
    stdioTarget(bind),
    ...(user !== undefined ? ["-l", user] : []),
    "-p",
    String(t.server.port),
    "--",
    t.server.host,
  ].join(" ");
}

const relayLabel = (t: Tunnel, bind: Endpoint & { kind: "tcp" }): string =>
  `${t.via !== undefined ? `relay ${t.via.relay}` : "the relay"}'s port ${bind.port}`;

/**
 * A device of several relays: sh runs one ssh -W per relay, the next only when the one before
 * failed (exit 255: the relay did not answer, or its port for the device is closed). ssh -W
 * reads nothing from the laptop's ssh before its channel is open, so the next try gets the whole
 * stream (the container test proves it). The values are the grammar's bare tokens (grammar.ts),
 * nothing to quote in sh or in ProxyCommand's shell, and no `%`.
 */
function failoverBlock(
  name: string,
  tries: [Tunnel, Endpoint & { kind: "tcp" }][],
  relayUser: string | undefined,
  specName: string,
): string {
  // Only the last try replaces the shell (exec): the ones before must leave it to go on.
  const command = tries
    .map(([t, bind], i) =>
      i === tries.length - 1
        ? `exec ${relayTry(t, bind, relayUser, true)}`
        : relayTry(t, bind, relayUser, false),
    )
    .join(" || ");
  return [
    `# tunnelc: ${name}'s sshd, through ${tries.map(([t, b]) => relayLabel(t, b)).join(", else ")} (${specName})`,
    `Host ${name}`,
    `    # each relay in turn, the next when one does not answer within ${FAILOVER_CONNECT_TIMEOUT} s or its port is closed`,
    `    ProxyCommand sh -c '${command}'`,
    "    # the device's own host key, one name whichever relay leads to it",
    `    HostKeyAlias ${name}`,
  ].join("\n");
}

/** Callers check the model with sshConfigProblems and `relayUser` with loginNameProblem first. */
export function sshConfig(model: EndsModel, relayUser?: string): string {
  const devices = groupBy(model.tunnels, (mt) => deviceName(mt.tunnel));
  const blocks = [...devices].map(([name, tunnels]) => {
    const { specName } = tunnels[0]!;
    const tries = tunnels.flatMap(({ tunnel: t }): [Tunnel, Endpoint & { kind: "tcp" }][] => {
      const bind = sshForward(t);
      return bind === undefined ? [] : [[t, bind]];
    });
    if (tries.length > 1) return failoverBlock(name, tries, relayUser, specName);
    const [only] = tries;
    if (only === undefined)
      return `# tunnelc: ${name} has no remote forward to port 22: nothing to reach (${specName})`;
    const [t, bind] = only;
    return [
      `# tunnelc: ${name}'s sshd, through ${relayLabel(t, bind)} (${specName})`,
      `Host ${name}`,
      `    HostName ${hostName(bind)}`,
      `    Port ${bind.port}`,
      `    ProxyJump ${relay(t, relayUser)}`,
      "    # the device's own host key, kept apart from the relay's localhost",
      `    HostKeyAlias ${name}`,
    ].join("\n");
  });
  return blocks.join("\n\n") + "\n";
}
