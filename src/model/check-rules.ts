// Semantic rules the schema cannot express, run on the normalized tunnels of one spec. Every
// problem is collected by JSON pointer; errors stop the compile, warnings are printed and compile
// goes on. Duplicate names, which span files, are check-names.ts's.
import type { Code } from "../codes.ts";
import { Problems, type Problem } from "../specfile/problem.ts";
import { bindKey, formatEndpoint, isLoopback, isWildcard, sameBind } from "../specfile/endpoint.ts";
import { deviceName, type Endpoint, type SourcedTunnel } from "./tunnel.ts";
import type { Severity } from "../errors.ts";

/** Where the seed form keeps what the v1 pointers name. */
const SEED_POINTERS: Record<string, string> = {
  "/forwards/0/remote": "/bindPort",
  "/user": "/localUser",
  "/server/user": "/remoteUser",
  "/server/host": "/remoteHostname",
  "/name": "",
};

/** A v1 pointer as the seed form writes it. */
export const seedPointer = (pointer: string): string => SEED_POINTERS[pointer] ?? pointer;

interface Context {
  seed: boolean;
  out: Problems;
}

export function checkRules(file: string, tunnels: SourcedTunnel[], seed: boolean): Problem[] {
  const ctx: Context = { seed, out: new Problems(file) };
  checkBinds(ctx, tunnels);
  for (const t of tunnels) {
    checkHostKeys(ctx, t);
    checkScope(ctx, t);
    checkLogin(ctx, t);
    checkForwards(ctx, t);
    checkBackoff(ctx, t);
  }
  return ctx.out.list;
}

function report(
  ctx: Context,
  severity: Severity,
  code: Code,
  pointer: string,
  message: string,
): void {
  ctx.out.add(severity, code, ctx.seed ? seedPointer(pointer) : pointer, message);
}

interface BindUse {
  side: "local" | "remote";
  /** For remote binds, the server they listen on; for local binds, the scope. */
  where: string;
  bind: Endpoint;
  pointer: string;
}

function checkBinds(ctx: Context, tunnels: SourcedTunnel[]): void {
  // Indexed by side, place and port (or socket path): fleets have thousands of forwards.
  const index = new Map<string, BindUse[]>();
  for (const { tunnel, pointer } of tunnels) {
    tunnel.forwards.forEach((f, i) => {
      const side = f.kind === "remote" ? "remote" : "local";
      const where =
        side === "remote" ? `${tunnel.server.host}:${tunnel.server.port}` : tunnel.scope;
      const use: BindUse = {
        side,
        where,
        bind: f.bind,
        pointer: `${pointer}/forwards/${i}/${f.kind}`,
      };
      if (f.bind.kind === "tcp" && f.bind.port === 0) return;
      const key = `${side}\0${where}\0${bindKey(f.bind)}`;
      const bucket = index.get(key) ?? [];
      const clash = bucket.find((u) => sameBind(u.bind, use.bind));
      if (clash) {
        const place = side === "remote" ? `on server ${where}` : "on this machine";
        report(
          ctx,
          "error",
          "rule/duplicate-bind",
          use.pointer,
          `${formatEndpoint(use.bind)} is already bound ${place} by ${clash.pointer}`,
        );
      }
      bucket.push(use);
      index.set(key, bucket);
    });
  }
}

function checkHostKeys(ctx: Context, { tunnel, pointer }: SourcedTunnel): void {
  const pinned = tunnel.server.hostKeys.length > 0;
  if (tunnel.hostKeyPolicy === "pinned" && !pinned) {
    report(
      ctx,
      "error",
      "rule/pinned-without-keys",
      `${pointer}/hostKeyPolicy`,
      'hostKeyPolicy "pinned" needs server.hostKeys (tunnelc trust SPEC fetches them)',
    );
  }
  if (tunnel.hostKeyPolicy === "pinned") {
    tunnel.server.jump.forEach((j, i) => {
      if (j.hostKeys.length > 0) return;
      report(
        ctx,
        "error",
        "rule/jump-without-keys",
        `${pointer}/server/jump/${i}`,
        `jump host ${j.host} needs hostKeys: with the server's keys pinned, the jump is checked against the same pinned known_hosts (tunnelc trust fetches them)`,
      );
    });
  }
  if (tunnel.hostKeyPolicy !== "pinned" && pinned) {
    report(
      ctx,
      "error",
      "rule/keys-not-pinned",
      `${pointer}/hostKeyPolicy`,
      `server.hostKeys pins the server's keys, so hostKeyPolicy must be "pinned" or left out (got "${tunnel.hostKeyPolicy}")`,
    );
  }
}

/**
 * systemd.service(5) RestartSteps=: the delays grow geometrically from RestartSec= to
 * RestartMaxDelaySec=, so a maximum at or below RestartSec= (the delay plus the whole spread)
 * is no back-off at all.
 */
function checkBackoff(ctx: Context, { tunnel, pointer }: SourcedTunnel): void {
  const { backoff, delaySec, spreadSec = 0 } = tunnel.restart;
  if (backoff === undefined || backoff.maxDelaySec > delaySec + spreadSec) return;
  report(
    ctx,
    "error",
    "rule/backoff-below-delay",
    `${pointer}/restart/maxDelaySec`,
    `restart.maxDelaySec (${backoff.maxDelaySec}) must be more than restart.delaySec + restart.spreadSec (${delaySec + spreadSec}): the restarts back off from there`,
  );
}

function checkScope(ctx: Context, { tunnel, pointer }: SourcedTunnel): void {
  // systemd (and systemd-analyze verify): "Special user nobody configured, this is not safe!"
  if (tunnel.user === "nobody") {
    report(
      ctx,
      "error",
      "rule/user-nobody",
      `${pointer}/user`,
      'the "nobody" account is shared by everything that runs as it, and systemd calls a service running as it unsafe: drop "user" for a dedicated dynamic account, or name an account of its own',
    );
  }
  if (tunnel.scope === "user" && tunnel.user !== undefined) {
    report(
      ctx,
      "error",
      "rule/user-scope-user",
      `${pointer}/user`,
      'a user unit runs as the user whose manager starts it; drop "user" or use scope "system"',
    );
  }
}

/**
 * A dynamic account (DynamicUser=, systemd.exec(5)) has no home directory, so ssh finds no key
 * of its own: without "identity" the tunnel could never log in.
 */
function checkLogin(ctx: Context, { tunnel, pointer }: SourcedTunnel): void {
  if (tunnel.scope !== "system" || tunnel.user !== undefined || tunnel.identity !== undefined)
    return;
  const device = deviceName(tunnel);
  report(
    ctx,
    "error",
    "rule/no-identity",
    `${pointer}/name`,
    `tunnel "${device}" runs as a dynamic account (no "user"), which has no home and no keys, so ssh cannot log in: run "tunnelc keygen ${device}" and set "identity": "/etc/tunnelc/keys/${device}", or set "user" to an account whose ~/.ssh holds the key`,
  );
}

function checkForwards(ctx: Context, { tunnel, pointer }: SourcedTunnel): void {
  tunnel.forwards.forEach((f, i) => {
    const at = `${pointer}/forwards/${i}/${f.kind}`;
    const bind = f.bind;
    if (f.kind === "dynamic" && bind.kind === "unix") {
      report(
        ctx,
        "error",
        "rule/dynamic-unix",
        at,
        "ssh -D listens on a TCP port only, not on a unix socket",
      );
    }
    if (bind.kind !== "tcp" || bind.port === 0) return;
    if (f.kind === "remote") checkRemoteBind(ctx, tunnel.server.user, bind, at);
    else checkLocalBind(ctx, tunnel.scope, bind, at);
  });
}

function checkRemoteBind(
  ctx: Context,
  serverUser: string | undefined,
  bind: Endpoint & { kind: "tcp" },
  at: string,
): void {
  if (bind.port < 1024 && serverUser !== "root") {
    report(
      ctx,
      "warning",
      "rule/privileged-remote-port",
      at,
      `remote port ${bind.port} is privileged: sshd binds ports below 1024 only for root logins, so this forward will fail unless server.user is "root"`,
    );
  }
  if (!isLoopback(bind)) {
    report(
      ctx,
      "warning",
      "rule/gateway-ports",
      at,
      `${formatEndpoint(bind)} binds beyond loopback on the server: sshd needs "GatewayPorts clientspecified" for that, or it binds loopback only`,
    );
  }
}

function checkLocalBind(
  ctx: Context,
  scope: string,
  bind: Endpoint & { kind: "tcp" },
  at: string,
): void {
  if (bind.port < 1024 && scope === "user") {
    report(
      ctx,
      "error",
      "rule/privileged-local-port",
      at,
      `local port ${bind.port} is privileged (below 1024) and a user unit cannot be granted CAP_NET_BIND_SERVICE; pick a port from 1024 up`,
    );
  }
  if (isWildcard(bind) || !isLoopback(bind)) {
    report(
      ctx,
      "warning",
      "rule/exposed-local-bind",
      at,
      `${formatEndpoint(bind)} is reachable from the network, not only from this machine`,
    );
  }
}
