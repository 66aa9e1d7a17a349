// doctor's checks: the machine (systemd, ssh, distro, nss-systemd) and each tunnel of the given
// specs (identity, host key, account, lingering, free local ports). I/O lives here; each check
// returns a line's worth of verdict.
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { parse as parseIni } from "ini";
import { MIN_OPENSSH, MIN_SYSTEMD, atLeast, opensshVersion, systemdVersion } from "./versions.ts";
import { hasNssSystemd } from "../install/nss-check.ts";
import { identityWarnings } from "../install/identity-check.ts";
import { lingerWarning } from "../install/linger.ts";
import type { Runner } from "../install/systemctl.ts";
import { knownHostsPattern, unbracket } from "../model/host-format.ts";
import type { Tunnel } from "../model/tunnel.ts";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  hint?: string;
}

const pass = (name: string, detail: string): Check => ({ name, ok: true, detail });
const failed = (name: string, detail: string, hint: string): Check => ({
  name,
  ok: false,
  detail,
  hint,
});

function tryRun(runner: Runner, argv: string[]): { status: number; out: string } {
  try {
    const r = runner.run(argv);
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  } catch {
    return { status: 127, out: "" };
  }
}

/** sd_booted(3): systemd is the running service manager exactly when this directory exists. */
export const SD_BOOTED_DIR = "/run/systemd/system";

export function checkSystemd(runner: Runner, bootedDir = SD_BOOTED_DIR): Check {
  const v = systemdVersion(tryRun(runner, ["systemctl", "--version"]).out);
  if (v === undefined)
    return failed("systemd", "systemctl not found", "tunnelc needs a systemd machine");
  if (v < MIN_SYSTEMD)
    return failed(
      "systemd",
      `systemd ${v}`,
      `the units use the %d credentials specifier: systemd ${MIN_SYSTEMD} or later`,
    );
  if (!existsSync(bootedDir))
    return failed(
      "systemd",
      `systemd ${v} is installed but not running as the service manager (no ${bootedDir})`,
      "boot this machine (or container) with systemd as PID 1; to build a package or image instead, use tunnelc install --root DIR",
    );
  return pass("systemd", `systemd ${v}, running`);
}

export function checkSsh(runner: Runner, path: string): Check {
  const v = opensshVersion(tryRun(runner, [path, "-V"]).out);
  if (v === undefined)
    return failed(
      "ssh",
      `${path} not found or not OpenSSH`,
      "install the OpenSSH client (Debian: openssh-client)",
    );
  if (!atLeast(v, MIN_OPENSSH))
    return failed(
      "ssh",
      `OpenSSH ${v.join(".")} at ${path}`,
      `tunnelc relies on OpenSSH ${MIN_OPENSSH.join(".")} or later`,
    );
  return pass("ssh", `OpenSSH ${v.join(".")} at ${path}`);
}

/** /etc/os-release is KEY=VALUE lines with shell-style quotes: INI semantics hold here. */
export function checkDistro(osRelease = "/etc/os-release"): Check {
  try {
    const info = parseIni(readFileSync(osRelease, "utf8")) as Record<string, string>;
    return pass("distro", info.PRETTY_NAME ?? info.NAME ?? "unknown");
  } catch {
    return pass("distro", `${osRelease} not found`);
  }
}

export function checkNss(tunnels: Tunnel[]): Check | undefined {
  const dynamic = tunnels.filter((t) => t.scope === "system" && t.user === undefined);
  if (tunnels.length > 0 && dynamic.length === 0) return undefined;
  if (hasNssSystemd()) return pass("nss-systemd", "present: dynamic accounts resolve");
  return failed(
    "nss-systemd",
    "missing from the passwd line of /etc/nsswitch.conf",
    'DynamicUser= accounts need it (Debian: apt install libnss-systemd), or set "user" in the spec',
  );
}

export function checkIdentity(t: Tunnel): Check | undefined {
  const key = t.identity;
  if (key === undefined) return undefined;
  const [problem] = identityWarnings([t]);
  if (problem === undefined) return pass(`${t.name}: identity`, `${key} is private to its owner`);
  const hint = existsSync(key)
    ? `chmod 600 ${key} && chown root:root ${key}`
    : `create it (as root): ssh-keygen -t ed25519 -N "" -f ${key}`;
  return failed(`${t.name}: identity`, problem, hint);
}

/** specFile: the spec as the user named it, for a hint they can paste. */
export function checkHostKey(runner: Runner, t: Tunnel, specFile: string): Check {
  const name = `${t.name}: host key`;
  if (t.hostKeyPolicy === "pinned")
    return pass(name, `${t.server.hostKeys.length} key(s) pinned in the spec`);
  if (t.hostKeyPolicy === "accept-new")
    return pass(name, "accept-new: the first key seen will be trusted");
  const pattern = knownHostsPattern(t.server.host, t.server.port);
  const files = [
    "/etc/ssh/ssh_known_hosts",
    ...(t.user !== undefined ? knownHostsOf(runner, t.user) : []),
  ];
  const found = files.find(
    (f) => tryRun(runner, ["ssh-keygen", "-F", pattern, "-f", f]).status === 0,
  );
  if (found) return pass(name, `${pattern} is known in ${found}`);
  return failed(
    name,
    `${pattern} is in none of ${files.join(", ")}`,
    `pin it in the spec: tunnelc trust ${specFile}`,
  );
}

function knownHostsOf(runner: Runner, user: string): string[] {
  const entry = tryRun(runner, ["getent", "passwd", user]).out.split(":");
  return entry[5] ? [`${entry[5]}/.ssh/known_hosts`] : [];
}

export function checkAccount(runner: Runner, t: Tunnel): Check | undefined {
  if (t.user === undefined) return undefined;
  const ok = tryRun(runner, ["getent", "passwd", t.user]).status === 0;
  return ok
    ? pass(`${t.name}: account`, `${t.user} exists`)
    : failed(
        `${t.name}: account`,
        `no local account ${t.user}`,
        `create it (useradd --system ${t.user}) or drop "user" for a dynamic account`,
      );
}

export function checkLinger(): Check {
  const warning = lingerWarning();
  return warning === undefined
    ? pass("lingering", "on: user units run without a login")
    : failed("lingering", "off", warning);
}

/** Whether a local forward's port can be bound now (or is held by the tunnel itself). */
export async function checkPort(
  runner: Runner,
  t: Tunnel,
  address: string | undefined,
  port: number,
): Promise<Check> {
  const name = `${t.name}: port ${port}`;
  const host =
    address === undefined || address === "localhost"
      ? "127.0.0.1"
      : unbracket(address).replace(/^\*$/, "0.0.0.0");
  const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    const server = createServer();
    server.once("error", (e) => resolve(e as NodeJS.ErrnoException));
    server.listen(port, host, () => server.close(() => resolve(undefined)));
  });
  if (error === undefined) return pass(name, `${host}:${port} is free`);
  const unit = `${t.name}.service`;
  if (
    error.code === "EADDRINUSE" &&
    tryRun(runner, [
      "systemctl",
      ...(t.scope === "user" ? ["--user"] : []),
      "is-active",
      unit,
    ]).out.trim() === "active"
  ) {
    return pass(name, `${host}:${port} is held by ${unit} itself`);
  }
  if (error.code === "EACCES")
    return pass(name, `${host}:${port} is privileged: the unit grants CAP_NET_BIND_SERVICE`);
  return failed(
    name,
    `${host}:${port}: ${error.code ?? error.message}`,
    "another program listens there: pick another port or stop it",
  );
}
