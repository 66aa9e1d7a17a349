// The relay's side of reverse tunnels, from the same specs (sshd(8) "AUTHORIZED_KEYS FILE
// FORMAT", sshd_config(5)): one authorized_keys line per device key that lets it open exactly
// the listeners its spec asks for, and a Match User block that locks the account down. Pure.
import { isLoopback } from "../specfile/endpoint.ts";
import { relayLogin } from "../model/accounts.ts";
import type { FleetModel } from "../model/build-model.ts";
import type { Endpoint, ModelTunnel, Tunnel } from "../model/tunnel.ts";
import { formatJump } from "../model/host-format.ts";
import { isHostPort, loginNameProblem } from "./grammar.ts";
import { atLeast } from "../model/versions.ts";
import { groupBy } from "../group-by.ts";

/** The model's tunnels (buildModel's result, or a part of it: --only), as every back end takes it. */
export type EndsModel = Pick<FleetModel, "tunnels">;

/** Each device's public key, "type base64" without a comment, by tunnel name. */
export type PublicKeys = ReadonlyMap<string, string>;

interface Device {
  tunnel: Tunnel;
  publicKey: string;
  specName: string;
  model: ModelTunnel;
}

/** The model's tunnels that have a key. */
function devicesOf(model: EndsModel, keys: PublicKeys): Device[] {
  return model.tunnels.flatMap((model) => {
    const { tunnel, specName } = model;
    const publicKey = keys.get(tunnel.name);
    return publicKey === undefined ? [] : [{ tunnel, publicKey, specName, model }];
  });
}

/** sshd matches `-R port:…` (no bind address) against "localhost:port" (OpenSSH regress cfgmatchlisten.sh). */
function listenSpec(e: Endpoint & { kind: "tcp" }): string {
  return e.address === undefined || e.address === "localhost"
    ? `localhost:${e.port}`
    : `${e.address}:${e.port}`;
}

const remoteTcp = (t: Pick<Tunnel, "forwards">) =>
  t.forwards.flatMap((f) => (f.kind === "remote" && f.bind.kind === "tcp" ? [f.bind] : []));
const opens = (t: Pick<Tunnel, "forwards">) =>
  t.forwards.flatMap((f) =>
    f.kind === "local" && f.to.kind === "tcp"
      ? [`${f.to.address ?? "localhost"}:${f.to.port}`]
      : [],
  );
const hasDynamic = (t: Pick<Tunnel, "forwards">) => t.forwards.some((f) => f.kind === "dynamic");

/**
 * The one -L target no request can reach: the empty host name, which getaddrinfo(3) refuses
 * without a lookup (glibc, musl), on port 1. authorized_keys has no `permitopen="none"` (sshd
 * refuses the whole line: auth-options.c takes only host:port), and with no permitopen at all
 * the key may open -L to anything sshd_config allows (sshd(8) AUTHORIZED_KEYS FILE FORMAT).
 * "[]" is the bracketed form of "": sshd strips the brackets (cleanhostname).
 */
export const NO_OPEN = `permitopen="[]:1"`;
/**
 * The one -R listener no request can match: sshd lowercases the requested listen host before
 * it matches it against permitlisten (channels.c remote_open_match), so an upper-case host
 * never matches. Without any permitlisten the key may listen wherever sshd_config allows.
 */
export const NO_LISTEN = `permitlisten="NONE:1"`;
/**
 * A device's session (a shell, a command, sftp) runs this instead: `restrict` turns off ptys and
 * forwarding but not commands (sshd(8) "command" and "restrict"), and the unit's ssh is -N, so
 * it never opens a session. `false` is a built-in of every POSIX shell.
 */
export const NO_COMMAND = `command="false"`;

/**
 * Needs only the tunnel's name and forwards: keygen builds it for a key before any spec exists.
 * The line by itself allows exactly the spec's forwards, even with a stock sshd_config and no
 * Match block (test/hostile-ends.test.ts proves it against a real sshd).
 */
export function authorizedKeysLine(d: {
  tunnel: Pick<Tunnel, "name" | "forwards">;
  publicKey: string;
}): string {
  const listen = remoteTcp(d.tunnel).map((b) => `permitlisten="${listenSpec(b)}"`);
  const open = opens(d.tunnel).map((o) => `permitopen="${o}"`);
  const options = [
    "restrict",
    "port-forwarding",
    NO_COMMAND,
    ...(listen.length > 0 ? listen : [NO_LISTEN]),
    // permitopen also limits -D's connections, so a SOCKS device gets none (it may reach anything).
    ...(hasDynamic(d.tunnel) ? [] : open.length > 0 ? open : [NO_OPEN]),
  ];
  return `${options.join(",")} ${d.publicKey} tunnelc:${d.tunnel.name}`;
}

/** The model's tunnels by relay (a fleet's "relays"), each relay once, in the order met. */
export function byRelay(model: EndsModel): { relay?: string; server: string; model: EndsModel }[] {
  const groups = groupBy(model.tunnels, (mt) => mt.tunnel.via?.relay);
  return [...groups].map(([relay, tunnels]) => ({
    ...(relay !== undefined && { relay }),
    server: formatJump(tunnels[0]!.tunnel.server),
    model: { tunnels },
  }));
}

/**
 * One file per relay: as it is for one relay (or none named), else each relay's after a header
 * that names it (`tunnelc relay --relay NAME` prints one alone).
 */
export function perRelay(model: EndsModel, file: (m: EndsModel) => string): string {
  const groups = byRelay(model);
  if (groups.length === 1) return file(groups[0]!.model);
  return groups
    .map(
      (g) =>
        `# ==== tunnelc: ${g.relay !== undefined ? `relay ${g.relay} (${g.server})` : "the tunnels without a named relay"} ====\n${file(g.model)}`,
    )
    .join("\n");
}

/** The relay account the tunnel logs in as: the same name its unit's ssh presents (-l). */
const account = (t: Tunnel): string => relayLogin(t);

/** Where the account name was written: server.user, else the local user, else the name. */
function accountPointer(t: Tunnel): string {
  return t.server.user !== undefined ? "/server" : t.user !== undefined ? "/user" : "/name";
}

/** A value of the spec that cannot be written into the relay's files, where the spec has it. */
export interface EndsProblem {
  tunnel: ModelTunnel;
  /** The JSON pointer below the tunnel's own pointer. */
  at: string;
  message: string;
}

/**
 * Every value the relay's files would hold, checked against their grammar (src/ends/grammar.ts):
 * the account of `Match User` and the headers, each listen and open "host:port". The schema
 * already narrows them; this keeps a later schema change from writing a file sshd rejects.
 */
export function relayProblems(model: EndsModel): EndsProblem[] {
  return model.tunnels.flatMap((mt) => {
    const t = mt.tunnel;
    const out: EndsProblem[] = [];
    const login = loginNameProblem(account(t));
    // ssh(1) -l: without server.user a user unit's ssh logs in as the account whose manager runs
    // it, which the relay's files cannot know; a Match block for the tunnel's name would lock
    // down whatever account of that name the relay has.
    if (t.scope === "user" && t.server.user === undefined)
      out.push({
        tunnel: mt,
        at: "/server",
        message:
          'a user tunnel without server.user logs in to the relay as the account that runs it, which tunnelc cannot know: name the relay account ("server": { "user": … })',
      });
    else if (login !== undefined)
      out.push({ tunnel: mt, at: accountPointer(t), message: `relay account: ${login}` });
    // The Match block applies to every login of the account, the administrator's too: `Match
    // User root` would take the relay's root its pty, its shell and its forwarding.
    else if (account(t) === "root")
      out.push({
        tunnel: mt,
        at: accountPointer(t),
        message:
          'the device would log in to the relay as root: its Match block would lock root\'s own logins down; give the devices an account of their own ("server": { "user": … })',
      });
    t.forwards.forEach((f, i) => {
      if (f.kind === "remote" && f.bind.kind === "tcp" && !isHostPort(listenSpec(f.bind), true))
        out.push({
          tunnel: mt,
          at: `/forwards/${i}/remote`,
          message: `${JSON.stringify(listenSpec(f.bind))} cannot be written as sshd's PermitListen and permitlisten: a listen host is a name, an address or "*" alone (sshd reads "*" and "?" in it as patterns, sshd_config(5) PATTERNS)`,
        });
      if (f.kind === "local" && f.to.kind === "tcp") {
        const o = `${f.to.address ?? "localhost"}:${f.to.port}`;
        if (!isHostPort(o, false))
          out.push({
            tunnel: mt,
            at: `/forwards/${i}/to`,
            message: `${JSON.stringify(o)} cannot be written as sshd's PermitOpen`,
          });
      }
    });
    return out;
  });
}

function groups<T extends { tunnel: Tunnel }>(devices: T[]): Map<string, T[]> {
  return groupBy(devices, (d) => account(d.tunnel));
}

/**
 * sshd uses the first authorized_keys line whose key matches, so two devices with one key would
 * both get the first one's permissions: each device needs its own key.
 */
export function sharedKeys(model: EndsModel, keys: PublicKeys): EndsProblem[] {
  const devices = devicesOf(model, keys);
  const first = new Map<string, string>();
  const problems: EndsProblem[] = [];
  for (const d of devices) {
    // A device logs in to each of its relays with its one key: a clash is on one relay.
    const key = `${d.tunnel.via?.relay ?? ""} ${account(d.tunnel)} ${d.publicKey}`;
    const other = first.get(key);
    if (other !== undefined) {
      problems.push({
        tunnel: d.model,
        at: d.tunnel.publicKey !== undefined ? "/publicKey" : "/identity",
        message: `${d.tunnel.name} has the same key as ${other} on relay account ${account(d.tunnel)}: sshd would give it ${other}'s ports; give each device its own key`,
      });
    } else first.set(key, d.tunnel.name);
  }
  return problems;
}

export function authorizedKeys(model: EndsModel, keys: PublicKeys): string {
  const lines: string[] = [];
  for (const [user, ds] of groups(devicesOf(model, keys))) {
    lines.push(
      `# tunnelc: ~${user}/.ssh/authorized_keys on the relay (${[...new Set(ds.map((d) => d.specName))].join(", ")})`,
    );
    for (const d of ds) {
      if (d.tunnel.forwards.some((f) => f.kind === "remote" && f.bind.kind === "unix")) {
        lines.push(
          `# ${d.tunnel.name}: permitlisten cannot limit unix socket forwards; see --sshd-config`,
        );
      }
      lines.push(authorizedKeysLine(d));
    }
  }
  return lines.join("\n") + "\n";
}

/**
 * The drop-in's last line. sshd_config(5) Match: a Match block runs "until either another Match
 * line or the end of the file". OpenSSH 9.2 also ends it at the end of an Included file (Debian's
 * sshd_config Includes sshd_config.d/*.conf at its top; measured with sshd -T), but a block
 * pasted or appended into sshd_config itself, or read by an sshd that does not scope Includes,
 * would take every following line of the main file into the last account's block: those
 * settings would stop applying to everyone else. `Match all` starts a block that matches every
 * connection, so what follows applies to everyone again (test/hostile-ends.test.ts, sshd -T).
 */
export const MATCH_ALL_END = [
  "# tunnelc: end of its Match blocks; what follows applies to every account again",
  "Match all",
].join("\n");

/** One sshd_config.d Match block per relay account, then `Match all`. */
export function sshdConfig(model: EndsModel): string {
  const blocks: string[] = [];
  for (const [user, ds] of groups(model.tunnels)) {
    const tunnels = ds.map((d) => d.tunnel);
    const listen = [...new Set(tunnels.flatMap(remoteTcp).map(listenSpec))];
    const local = tunnels.some((t) => t.forwards.some((f) => f.kind !== "remote"));
    const remote = tunnels.some((t) => t.forwards.some((f) => f.kind === "remote"));
    const unix = tunnels.some((t) =>
      t.forwards.some((f) => f.kind === "remote" && f.bind.kind === "unix"),
    );
    const open = tunnels.some(hasDynamic) ? [] : [...new Set(tunnels.flatMap(opens))];
    const beyondLoopback = tunnels.flatMap(remoteTcp).some((b) => !isLoopback(b));
    blocks.push(
      [
        `# tunnelc: the relay account for ${tunnels.map((t) => t.name).join(", ")}`,
        `Match User ${user}`,
        `    AllowTcpForwarding ${remote && local ? "yes" : remote ? "remote" : "local"}`,
        `    AllowStreamLocalForwarding ${unix ? "remote" : "no"}`,
        `    PermitListen ${listen.length ? listen.join(" ") : "none"}`,
        ...(tunnels.some(hasDynamic)
          ? ["    # PermitOpen any: a -D (SOCKS) device connects wherever it asks"]
          : [`    PermitOpen ${open.length ? open.join(" ") : "none"}`]),
        ...(beyondLoopback
          ? ["    # a device binds beyond loopback:", "    GatewayPorts clientspecified"]
          : []),
        "    X11Forwarding no",
        "    AllowAgentForwarding no",
        "    PermitTTY no",
        // sshd_config(5) ClientAliveInterval; sshd 9.2 probes only when idle (docs/relay.md).
        "    # probe a silent device every 5 s, drop it after 3 unanswered probes; with",
        "    # tunnelc relay --sysctl this frees a dead device's port within about 20 s",
        "    ClientAliveInterval 5",
        "    ClientAliveCountMax 3",
      ].join("\n"),
    );
  }
  return [...blocks, MATCH_ALL_END].join("\n\n") + "\n";
}

/** Where the relay's whole-sshd settings go: first of sshd_config.d, before any Match line. */
export const SSHD_LIMITS_FILE = "/etc/ssh/sshd_config.d/00-tunnelc-limits.conf";
/** sshd_config(5) MaxStartups: its default, start:rate:full. */
const MAX_STARTUPS_DEFAULT = { start: 10, rate: 30, full: 100 } as const;
/**
 * The most connections waiting to log in that tunnelc lets sshd hold: its listener keeps one
 * pipe to each of them (openssh-portable sshd.c, startup_pipes: "pipes connected to
 * unauthenticated childs"), and ssh.service runs with systemd's default soft LimitNOFILE of
 * 1024 (systemd.exec(5)); past it sshd cannot accept at all.
 */
const MAX_STARTUPS_CAP = 1000;

/** OpenSSH 9.8: the first with PerSourcePenalties (sshd_config(5), release notes of 9.8). */
export const PENALTIES_SINCE = [9, 8] as const;

/**
 * LoginGraceTime, written even though it is sshd's default (sshd_config(5)): sshd takes the first
 * value it reads, and this file comes first, so a hardened main sshd_config (30 s is common)
 * cannot cut the logins of a herd. With up to MaxStartups' cap logins in flight, each waits its
 * turn for the relay's CPU: 15–100 ms a login measured on 2 cores (docs/reliability.md), so
 * about 1000 × 0.1 s / 2 = 50 s at worst.
 */
const LOGIN_GRACE_SEC = 120;

/**
 * PerSourcePenalties for a relay whose devices may share a source address (carrier-grade NAT,
 * one site's router): a penalty refuses the whole address (PerSourceNetBlockSize), so the events
 * a fleet's own devices cause must cost nothing, or a few of them lock all the others out:
 * authfail (a device removed from authorized_keys keeps retrying), noauth and grace-exceeded
 * (logins cut short or slowed by a herd). A crash of sshd is never a device's doing: kept at
 * its default. Keywords of 9.8 only (refuseconnection is 10.0's), so 9.8 accepts the line.
 */
const FLEET_PENALTIES = "crash:90s authfail:0s noauth:0s grace-exceeded:0s";

/** The per-source penalties for the relay's OpenSSH: a note without a version, none before 9.8. */
function penaltyLines(openssh: readonly [number, number] | undefined): string[] {
  if (openssh === undefined)
    return [
      "#",
      "# OpenSSH 9.8 and later refuse a source address for a while after failed or cut-short",
      "# logins (PerSourcePenalties); devices behind one address (carrier-grade NAT) then lock",
      '# each other out. On such a relay print this file with --openssh "$(sshd -V 2>&1)".',
    ];
  if (!atLeast(openssh, PENALTIES_SINCE)) return [];
  const version = openssh.join(".");
  return [
    "#",
    `# OpenSSH ${version}: a penalty refuses the whole source address, and devices behind one`,
    "# address (carrier-grade NAT) share it. What devices themselves cause costs nothing: a",
    "# failed key (a device taken out of authorized_keys retries for ever), a login cut short",
    "# or slowed past LoginGraceTime by a herd. Crashing sshd keeps its default. Cost: no",
    "# address is slowed down for guessing passwords; let the relay take keys only.",
    `# For OpenSSH ${version} (--openssh) and later: an older sshd does not start with these`,
    "# two lines. Run sshd -t on the relay before sshd reads them.",
    "PerSourceNetBlockSize 32:128",
    `PerSourcePenalties ${FLEET_PENALTIES}`,
  ];
}

/**
 * The relay's settings for the whole sshd, sized to the fleet. After the relay's sshd restarts
 * or the relay comes back from an outage, every device connects within the same second or two,
 * and sshd drops unauthenticated connections past MaxStartups' start (sshd_config(5)); each
 * dropped device then waits its restart delay and tries again (measured: 117 of 200 devices
 * dropped after a restart with the default 10:30:100, docs/reliability.md). These keywords are
 * refused inside a Match block, so they cannot join the --sshd-config file, which is all Match
 * blocks and valid wherever it is read. `openssh`: the relay's sshd version when known
 * (--openssh); the penalties only where it has them, since sshd refuses to start on a keyword
 * it does not know.
 */
export function sshdLimits(model: EndsModel, openssh?: readonly [number, number]): string {
  const n = model.tunnels.length;
  const full = Math.min(MAX_STARTUPS_CAP, Math.max(MAX_STARTUPS_DEFAULT.full, 2 * n));
  const start = Math.min(full, Math.max(MAX_STARTUPS_DEFAULT.start, n));
  const capped = 2 * n > MAX_STARTUPS_CAP;
  return (
    [
      `# tunnelc: ${SSHD_LIMITS_FILE} on the relay, for ${n} device${n === 1 ? "" : "s"}`,
      "# Settings of the whole sshd: sshd refuses them after a Match line, so this file must be",
      "# read before any (sshd_config.d sorts first as 00-; check with sshd -t).",
      "# Every device reconnects at once after sshd restarts or the relay comes back; sshd drops",
      `# unauthenticated connections past MaxStartups' first number (default ${MAX_STARTUPS_DEFAULT.start}:${MAX_STARTUPS_DEFAULT.rate}:${MAX_STARTUPS_DEFAULT.full}).`,
      "# Room for every device at once, refusals only past twice that: each connection waiting",
      "# to log in is one sshd process.",
      ...(capped
        ? [
            `# At most ${MAX_STARTUPS_CAP}: sshd keeps a file descriptor for each waiting connection and`,
            "# ssh.service's soft limit is 1024 (LimitNOFILE); the rest retry after their restart delay.",
          ]
        : []),
      `MaxStartups ${start}:${MAX_STARTUPS_DEFAULT.rate}:${full}`,
      "# sshd's default, written so that a shorter one elsewhere cannot cut the logins of a herd",
      "# (sshd takes the first value it reads): each waits its turn for the relay's CPU.",
      `LoginGraceTime ${LOGIN_GRACE_SEC}`,
      ...penaltyLines(openssh),
    ].join("\n") + "\n"
  );
}

export const SYSCTL_FILE = "/etc/sysctl.d/90-tunnelc-relay.conf";

/**
 * The relay's sysctl drop-in. A device that vanishes without a reset (a new address) leaves its
 * sshd session, and the port it holds, until TCP gives up retransmitting (tcp(7) tcp_retries2):
 * sshd 9.2 sends ClientAlive probes only when its poll times out, and every connection to the
 * forwarded port wakes it first (openssh-portable serverloop.c), so the probes alone may never fire.
 */
export function relaySysctl(): string {
  return (
    [
      `# tunnelc: ${SYSCTL_FILE} on the relay (then: sysctl --system)`,
      "# A device that disappears without a reset (a new address) leaves its sshd session, and the",
      "# port it holds, until TCP gives up retransmitting: about 15 minutes with the default 15.",
      "# ClientAlive probes cannot end it sooner while connections to the port keep sshd busy.",
      "# 5 drops a connection after about 13 s of unacknowledged data (tcp(7) tcp_retries2).",
      "# Cost: this is host-wide (or per network namespace): every TCP connection of this host",
      "# now dies after about 13 s without acknowledgements, instead of about 15 minutes.",
      "net.ipv4.tcp_retries2 = 5",
    ].join("\n") + "\n"
  );
}
