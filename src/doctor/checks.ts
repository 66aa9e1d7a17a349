// doctor's checks: the machine (systemd, ssh, distro, nss-systemd) and each tunnel of the model
// (identity, host key, account, lingering, free local ports). Pure: each check asks for what it
// needs as queries (src/edge/query.ts), answered in two rounds by the gatherer, and returns a
// line's worth of verdict from the facts.
import { parse as parseIni } from "ini";
import {
  BACKOFF_SYSTEMD,
  MIN_OPENSSH,
  MIN_SYSTEMD,
  atLeast,
  opensshVersion,
  systemdVersion,
} from "../model/versions.ts";
import { hasNssSystemd, nssQuery } from "../install/nss-check.ts";
import {
  createKeyHint,
  identityQueries,
  identityWarnings,
  modeQuery,
} from "../install/identity-check.ts";
import { lingerQuery, lingerWarning } from "../install/linger.ts";
import { knownHostsPattern, unbracket } from "../model/host-format.ts";
import type { FleetModel } from "../model/build-model.ts";
import type { Tunnel } from "../model/tunnel.ts";
import type { Facts, Query } from "../edge/query.ts";
import type { Code } from "../codes.ts";
import { bootedQuery, systemdOffline } from "../install/manager-check.ts";
import { SED } from "../model/replay-lines.ts";
import { generatorSearchPaths } from "../generator/locations.ts";
import { executable, notRunnable, SCRIPT_MARKER, scriptPaths } from "../generator/script.ts";
import { fileQuery } from "../edge/query.ts";

export interface Check {
  /** Which check: its code when it fails (doctor/identity, …; src/codes.ts). */
  code: DoctorCode;
  name: string;
  ok: boolean;
  detail: string;
  hint?: string;
}

/** What doctor checks: the model of the given specs, and the machine's scope. */
export interface DoctorInput {
  model: Pick<FleetModel, "tunnels">;
  /** --user: check what user units need even without a user tunnel. */
  user: boolean;
  /** The spec as the user named it, for a hint they can paste. */
  specFile: (t: Tunnel) => string;
}

const OS_RELEASE = "/etc/os-release";

type DoctorCode = Extract<Code, `doctor/${string}`>;

const pass = (code: DoctorCode, name: string, detail: string): Check => ({
  code,
  name,
  ok: true,
  detail,
});
const failed = (code: DoctorCode, name: string, detail: string, hint: string): Check => ({
  code,
  name,
  ok: false,
  detail,
  hint,
});

const probe = (...argv: string[]) => ({ kind: "probe", argv }) as const;
const SYSTEMD_VERSION = probe("systemctl", "--version");
const exists = (path: string) => ({ kind: "exists", path }) as const;
const port = (host: string, p: number) => ({ kind: "port", host, port: p }) as const;
const getent = (user: string) => probe("getent", "passwd", user);
const isActive = (t: Tunnel) =>
  probe("systemctl", ...(t.scope === "user" ? ["--user"] : []), "is-active", `${t.name}.service`);

const tunnelsOf = (input: DoctorInput) => input.model.tunnels.map((m) => m.tunnel);
const sshPaths = (tunnels: Tunnel[]) => [
  ...new Set(tunnels.length ? tunnels.map((t) => t.ssh.path) : ["ssh"]),
];
/** Tunnels whose unit copies ssh's log to the journal with sed (src/render/log-replay.ts). */
const wantsSed = (input: DoctorInput) => tunnelsOf(input).some((t) => t.logReplay === true);
const wantsLinger = (input: DoctorInput) =>
  input.user || tunnelsOf(input).some((t) => t.scope === "user");

/** A local forward's bind address as doctor binds it to see whether it is free. */
function ports(t: Tunnel): { host: string; port: number }[] {
  return t.forwards.flatMap((f) => {
    if (f.kind === "remote" || f.bind.kind !== "tcp") return [];
    const a = f.bind.address;
    const host =
      a === undefined || a === "localhost" ? "127.0.0.1" : unbracket(a).replace(/^\*$/, "0.0.0.0");
    return [{ host, port: f.bind.port }];
  });
}

/** The first round: every version, file, account and port. */
export function doctorQueries(input: DoctorInput): Query[] {
  const tunnels = tunnelsOf(input);
  return [
    SYSTEMD_VERSION,
    bootedQuery,
    ...sshPaths(tunnels).map((p) => probe(p, "-V")),
    { kind: "file", path: OS_RELEASE },
    nssQuery(),
    ...(wantsSed(input) ? [exists(SED)] : []),
    ...(wantsLinger(input) ? [lingerQuery()] : []),
    ...identityQueries(tunnels),
    ...tunnels.flatMap((t) => (t.user === undefined ? [] : [getent(t.user)])),
    ...tunnels.flatMap((t) => ports(t).map((b) => port(b.host, b.port))),
    ...generatorScopes(input).flatMap((user) =>
      generatorSearchPaths(user).map((p) => fileQuery(p)),
    ),
  ];
}

/** The second round, from the first: known_hosts files to search, ports held by whom. */
export function followUpQueries(input: DoctorInput, facts: Facts): Query[] {
  const generators = generatorScopes(input).flatMap((user) => {
    const runs = installedGenerator(user, facts);
    const paths = runs?.text !== undefined ? scriptPaths(runs.text) : undefined;
    return paths === undefined ? [] : [modeQuery(paths.node), modeQuery(paths.bundle)];
  });
  return [
    ...generators,
    ...tunnelsOf(input).flatMap((t) => [
      ...(t.hostKeyPolicy === "yes"
        ? knownHostsFiles(t, facts).map((f) => searchKnownHosts(t, f))
        : []),
      ...(ports(t).some((b) => facts.get(port(b.host, b.port)).code === "EADDRINUSE")
        ? [isActive(t)]
        : []),
    ]),
  ];
}

/** Every check, in the order doctor prints them. */
export function doctorChecks(input: DoctorInput, facts: Facts): Check[] {
  const tunnels = tunnelsOf(input);
  const systemd = systemdVersion(facts.get(SYSTEMD_VERSION).out);
  const list = [
    checkSystemd(systemd, facts),
    ...sshPaths(tunnels).map((p) => checkSsh(p, facts)),
    checkDistro(facts),
    checkNss(tunnels, facts),
    ...(wantsSed(input) ? [checkSed(facts)] : []),
    ...(wantsLinger(input) ? [checkLinger(facts)] : []),
    checkBackoff(tunnels, systemd),
    ...generatorScopes(input).map((user) => checkGenerator(user, facts)),
    ...tunnels.flatMap((t) => [
      checkIdentity(t, facts),
      checkHostKey(t, input.specFile(t), facts),
      checkAccount(t, facts),
      ...ports(t).map((b) => checkPort(t, b.host, b.port, facts)),
    ]),
  ];
  return list.filter((c): c is Check => c !== undefined);
}

function checkSystemd(v: number | undefined, facts: Facts): Check {
  if (v === undefined)
    return failed(
      "doctor/systemd",
      "systemd",
      "systemctl not found",
      "tunnelc needs a systemd machine",
    );
  if (v < MIN_SYSTEMD)
    return failed(
      "doctor/systemd",
      "systemd",
      `systemd ${v}`,
      `the units' sandbox uses PrivateIPC=: systemd ${MIN_SYSTEMD} or later`,
    );
  // The question install and uninstall ask before acting (src/install/manager-check.ts).
  if (systemdOffline(facts))
    return failed(
      "doctor/systemd",
      "systemd",
      `systemd ${v} is installed but not running as the service manager (systemctl is-system-running: offline)`,
      "boot this machine (or container) with systemd as PID 1; to build a package or image instead, use tunnelc install --root DIR",
    );
  return pass("doctor/systemd", "systemd", `systemd ${v}, running`);
}

/**
 * restart.maxDelaySec writes RestartSteps= and RestartMaxDelaySec=, systemd 254's
 * (systemd.service(5)); an older systemd ignores both, warning at every reload, and restarts
 * every RestartSec=. Only asked when a tunnel backs off.
 */
function checkBackoff(tunnels: Tunnel[], v: number | undefined): Check | undefined {
  const named = tunnels.filter((t) => t.restart.backoff !== undefined).map((t) => t.name);
  if (named.length === 0) return undefined;
  if (v === undefined) return undefined; // checkSystemd says it
  const which = `restart.maxDelaySec of ${named.slice(0, 3).join(", ")}${named.length > 3 ? ` and ${named.length - 3} more` : ""}`;
  if (v >= BACKOFF_SYSTEMD)
    return pass("doctor/backoff", "back-off", `systemd ${v} backs off (${which})`);
  return failed(
    "doctor/backoff",
    "back-off",
    `systemd ${v} does not know RestartSteps= (${which}): it restarts every RestartSec= and warns at every reload`,
    `drop restart.maxDelaySec, or run systemd ${BACKOFF_SYSTEMD} or later`,
  );
}

function checkSsh(path: string, facts: Facts): Check {
  const v = opensshVersion(facts.get(probe(path, "-V")).out);
  if (v === undefined)
    return failed(
      "doctor/ssh",
      "ssh",
      `${path} not found or not OpenSSH`,
      "install the OpenSSH client (Debian: openssh-client)",
    );
  if (!atLeast(v, MIN_OPENSSH))
    return failed(
      "doctor/ssh",
      "ssh",
      `OpenSSH ${v.join(".")} at ${path}`,
      `tunnelc relies on OpenSSH ${MIN_OPENSSH.join(".")} or later`,
    );
  return pass("doctor/ssh", "ssh", `OpenSSH ${v.join(".")} at ${path}`);
}

/** /etc/os-release is KEY=VALUE lines with shell-style quotes: INI semantics hold here. */
function checkDistro(facts: Facts): Check {
  const text = facts.get({ kind: "file", path: OS_RELEASE }).text;
  if (text === undefined) return pass("doctor/distro", "distro", `${OS_RELEASE} not found`);
  const info = parseIni(text) as Record<string, string>;
  return pass("doctor/distro", "distro", info.PRETTY_NAME ?? info.NAME ?? "unknown");
}

function checkNss(tunnels: Tunnel[], facts: Facts): Check | undefined {
  const dynamic = tunnels.filter((t) => t.scope === "system" && t.user === undefined);
  if (tunnels.length > 0 && dynamic.length === 0) return undefined;
  if (hasNssSystemd(facts))
    return pass("doctor/nss-systemd", "nss-systemd", "present: dynamic accounts resolve");
  return failed(
    "doctor/nss-systemd",
    "nss-systemd",
    "missing from the passwd line of /etc/nsswitch.conf",
    'DynamicUser= accounts need it (Debian: apt install libnss-systemd), or set "user" in the spec',
  );
}

/** The units' ExecStopPost= runs sed by a fixed path, as units are compiled for packages. */
function checkSed(facts: Facts): Check {
  if (facts.get(exists(SED)))
    return pass("doctor/sed", "sed", `${SED}: copies ssh's log to the journal`);
  return failed(
    "doctor/sed",
    "sed",
    `${SED} not found: the journal will not get ssh's lines nor the fix for a refused relay port`,
    `install sed (Debian: apt install sed), or on a system without merged /usr: ln -s /bin/sed ${SED}`,
  );
}

function checkIdentity(t: Tunnel, facts: Facts): Check | undefined {
  const key = t.identity;
  if (key === undefined) return undefined;
  const [problem] = identityWarnings([t], facts);
  if (problem === undefined)
    return pass("doctor/identity", `${t.name}: identity`, `${key} is private to its owner`);
  // The mode query identityWarnings asked: a key that has a mode exists.
  const hint =
    facts.get(modeQuery(key)).mode !== undefined
      ? `chmod 600 ${key} && chown root:root ${key}`
      : createKeyHint(t, key);
  return failed("doctor/identity", `${t.name}: identity`, problem, hint);
}

/** The system's known_hosts, and the account's own when it has a home. */
function knownHostsFiles(t: Tunnel, facts: Facts): string[] {
  const home = t.user === undefined ? undefined : facts.get(getent(t.user)).out.split(":")[5];
  return ["/etc/ssh/ssh_known_hosts", ...(home ? [`${home}/.ssh/known_hosts`] : [])];
}

const searchKnownHosts = (t: Tunnel, file: string) =>
  probe("ssh-keygen", "-F", knownHostsPattern(t.server.host, t.server.port), "-f", file);

function checkHostKey(t: Tunnel, specFile: string, facts: Facts): Check {
  const name = `${t.name}: host key`;
  const code = "doctor/host-key";
  if (t.hostKeyPolicy === "pinned")
    return pass(code, name, `${t.server.hostKeys.length} key(s) pinned in the spec`);
  if (t.hostKeyPolicy === "accept-new")
    return pass(code, name, "accept-new: the first key seen will be trusted");
  const pattern = knownHostsPattern(t.server.host, t.server.port);
  const files = knownHostsFiles(t, facts);
  const found = files.find((f) => facts.get(searchKnownHosts(t, f)).status === 0);
  if (found) return pass(code, name, `${pattern} is known in ${found}`);
  return failed(
    code,
    name,
    `${pattern} is in none of ${files.join(", ")}`,
    `pin it in the spec: tunnelc trust ${specFile}`,
  );
}

function checkAccount(t: Tunnel, facts: Facts): Check | undefined {
  if (t.user === undefined) return undefined;
  return facts.get(getent(t.user)).status === 0
    ? pass("doctor/account", `${t.name}: account`, `${t.user} exists`)
    : failed(
        "doctor/account",
        `${t.name}: account`,
        `no local account ${t.user}`,
        `create it (useradd --system ${t.user}) or drop "user" for a dynamic account`,
      );
}

function checkLinger(facts: Facts): Check {
  const warning = lingerWarning(facts);
  return warning === undefined
    ? pass("doctor/lingering", "lingering", "on: user units run without a login")
    : failed("doctor/lingering", "lingering", "off", warning);
}

/** Whether a local forward's port can be bound now (or is held by the tunnel itself). */
function checkPort(t: Tunnel, host: string, p: number, facts: Facts): Check {
  const name = `${t.name}: port ${p}`;
  const code = "doctor/port";
  const error = facts.get(port(host, p));
  if (error.code === undefined && error.message === undefined)
    return pass(code, name, `${host}:${p} is free`);
  const unit = `${t.name}.service`;
  if (error.code === "EADDRINUSE" && facts.get(isActive(t)).out.trim() === "active")
    return pass(code, name, `${host}:${p} is held by ${unit} itself`);
  if (error.code === "EACCES")
    return pass(code, name, `${host}:${p} is privileged: the unit grants CAP_NET_BIND_SERVICE`);
  return failed(
    code,
    name,
    `${host}:${p}: ${error.code ?? error.message}`,
    "another program listens there: pick another port or stop it",
  );
}

/** The system generator always; the user generator too where user units are asked about. */
const generatorScopes = (input: DoctorInput) => (wantsLinger(input) ? [false, true] : [false]);

/**
 * The file systemd runs as tunnelc's generator: the first of its name (systemd.generator(7)),
 * passing over one that is not executable, as systemd does; an empty one masks the name.
 */
function installedGenerator(user: boolean, facts: Facts) {
  for (const path of generatorSearchPaths(user)) {
    const found = facts.get(fileQuery(path));
    if (found.error !== undefined) return { path, ...found };
    if (found.text === undefined) continue;
    if (found.text === "" || executable(found.mode)) return { path, ...found };
  }
  return undefined;
}

/**
 * The installed generator's node and tunnelc, which must be there at the next boot: node is its
 * #! interpreter, and without it systemd only logs that it cannot execute the generator
 * (src/generator/script.ts). Not installed: no line.
 */
function checkGenerator(user: boolean, facts: Facts): Check | undefined {
  const runs = installedGenerator(user, facts);
  if (runs === undefined) return undefined;
  const name = user ? "user generator" : "generator";
  const { path, text } = runs;
  const again = path.startsWith("/etc/")
    ? `tunnelc generator install${user ? " --user" : ""} (it records the node and the tunnelc that run it)`
    : path.startsWith("/run/")
      ? `remove ${path}: it overrides the one in /etc and /usr/lib`
      : "reinstall the package that ships it";
  if (text === undefined)
    return failed("doctor/generator", name, `cannot read ${path}: ${runs.error}`, again);
  if (text === "") return pass("doctor/generator", name, `${path} is masked: systemd runs none`);
  if (!text.includes(SCRIPT_MARKER))
    return pass("doctor/generator", name, `${path} was not written by tunnelc: not checked`);
  const paths = scriptPaths(text);
  if (paths === undefined)
    return failed(
      "doctor/generator",
      name,
      `cannot tell which node and tunnelc ${path} runs`,
      again,
    );
  const gone = notRunnable(
    paths,
    facts.get(modeQuery(paths.node)).mode,
    facts.get(modeQuery(paths.bundle)).mode,
  );
  if (gone !== undefined)
    return failed(
      "doctor/generator",
      name,
      `${path}: ${gone.path}, ${gone.what === "node" ? "its node" : "the tunnelc it runs"}, is ${gone.why}: the next boot and daemon-reload generate no tunnel units`,
      again,
    );
  return pass("doctor/generator", name, `${path} runs ${paths.bundle} with ${paths.node}`);
}
