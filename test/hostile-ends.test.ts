// The relay's and the laptop's files, attacked (issue 16 §4 and §5), against the real OpenSSH
// programs: every sshd_config text `tunnelc relay --sshd-config` prints passes sshd -t and leaves
// the main file's settings to everyone else (sshd -T); the authorized_keys line alone, in a real
// sshd with a stock-like sshd_config and no Match block, allows exactly the spec's forwards; and
// no --relay-user or spec value reaches the laptop's ssh_config as anything but one token (ssh -G).
import { test, after, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, connect, type Server } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { ROOT } from "./helpers/paths.ts";
import { tunnelc } from "./helpers/run-cli.ts";
import { freePort } from "./helpers/free-port.ts";
import { SSHD, listeningSshd } from "./helpers/sshd.ts";
import { hasTool, needs } from "./helpers/prereq.ts";
import { fleetSpecText } from "./helpers/fleet-spec.ts";
import { compileSpecs } from "../src/render/units.ts";
import { authorizedKeysLine, relayProblems } from "../src/ends/relay.ts";
import { sshConfigProblems } from "../src/ends/ssh-config.ts";
import { relayLogin } from "../src/model/accounts.ts";
import type { ModelTunnel, Tunnel } from "../src/model/tunnel.ts";

const hasSshd = existsSync(SSHD) && existsSync("/usr/bin/ssh-keygen");
const hasSsh = hasTool("ssh", ["-V"]);
const work = mkdtempSync(join(tmpdir(), "tunnelc-hostile-ends-"));
const EXAMPLES = ["fleet.json", "office.json", "phone-home.json"].map((f) =>
  join(ROOT, "docs", "examples", f),
);

/** A spec file in the work directory. */
function specFile(name: string, text: string): string {
  const f = join(work, name);
  writeFileSync(f, text);
  return f;
}

/** sshd's privilege separation directory; sshd -t and -T refuse to run without it. */
function privsepDir(): void {
  if (!existsSync("/run/sshd")) mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
}

let hostKey: string | undefined;
/** One host key for every sshd of this file, made with ssh-keygen in the work directory. */
function hostKeyFile(): string {
  if (hostKey === undefined) {
    hostKey = join(work, "host_ed25519");
    const r = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", hostKey]);
    assert.equal(r.status, 0, String(r.stderr));
  }
  return hostKey;
}

/** Debian 12's sshd_config, with the Include at its top, the host key and no PAM. */
const debianMain = (include: string) =>
  [
    `Include ${include}`,
    `HostKey ${hostKeyFile()}`,
    "KbdInteractiveAuthentication no",
    "UsePAM no",
    "X11Forwarding yes",
    "PrintMotd no",
    "AcceptEnv LANG LC_*",
    "Subsystem sftp /usr/lib/openssh/sftp-server",
    "",
  ].join("\n");

/** `sshd -t` (or with `extra`, `sshd -T -C …`) of a main config that Includes the drop-in. */
function sshd(dropIn: string, extra: string[] = [], main = debianMain) {
  const dir = mkdtempSync(join(work, "sshd-"));
  mkdirSync(join(dir, "sshd_config.d"));
  writeFileSync(join(dir, "sshd_config.d", "tunnelc.conf"), dropIn);
  writeFileSync(join(dir, "sshd_config"), main(join(dir, "sshd_config.d", "*.conf")));
  const r = spawnSync(SSHD, [...(extra.length ? extra : ["-t"]), "-f", join(dir, "sshd_config")], {
    encoding: "utf8",
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function sshdReady(t: TestContext): boolean {
  if (!needs(t, "openssh-server (/usr/sbin/sshd) and ssh-keygen", hasSshd)) return false;
  privsepDir();
  return true;
}

// ---- §4: the sshd_config text -------------------------------------------------------------

const fleets: [string, string][] = [
  ...EXAMPLES.map((f): [string, string] => [f.slice(ROOT.length + 1), readFileSync(f, "utf8")]),
  ["a generated fleet without server.user", fleetSpecText(["pi-1", "pi-2", "dev.kitchen_3"])],
  ["a generated fleet with a local user", fleetSpecText(["a", "b"], { user: "tunnel_user" })],
  [
    "a generated fleet with server.user",
    fleetSpecText(["a", "b", "c"], { server: { host: "relay", user: "fleet" } }),
  ],
];

for (const [what, text] of fleets) {
  test(`relay --sshd-config: sshd -t accepts it, one Match User per relayLogin (${what})`, (t) => {
    if (!sshdReady(t)) return;
    const spec = specFile(`sshd-t-${fleets.findIndex(([w]) => w === what)}.json`, text);
    const r = tunnelc(["relay", spec, "--sshd-config"]);
    assert.equal(r.status, 0, r.stderr);
    const checked = sshd(r.stdout);
    assert.equal(checked.status, 0, `sshd -t: ${checked.stderr}\n${r.stdout}`);
    const built = compileSpecs([{ file: "s.json", text }]);
    assert.ok(built.ok);
    const logins = [...new Set(built.model.tunnels.map((m) => relayLogin(m.tunnel)))];
    assert.deepEqual(
      [...r.stdout.matchAll(/^Match User (.*)$/gm)].map((m) => m[1]),
      logins,
    );
    assert.match(r.stdout, /\nMatch all\n$/, "the drop-in ends with Match all");
  });
}

// ---- issue 18 §2: the whole-sshd settings, sized to the fleet --------------------------------

test("relay --sshd-limits: sshd -t accepts it beside the Match file, and sshd -T shows MaxStartups sized to the fleet", (t) => {
  if (!sshdReady(t)) return;
  for (const [count, want] of [
    [1, "10:30:100"],
    [200, "200:30:400"],
    // sshd keeps a descriptor per waiting connection, under ssh.service's soft limit of 1024.
    [800, "800:30:1000"],
    [2000, "1000:30:1000"],
  ] as const) {
    const names = Array.from({ length: count }, (_, i) => `pi-${i}`);
    const spec = specFile(
      `limits-${count}.json`,
      fleetSpecText(names, { server: { host: "relay", user: "fleet" } }),
    );
    const limits = tunnelc(["relay", spec, "--sshd-limits"]);
    assert.equal(limits.status, 0, limits.stderr);
    const matches = tunnelc(["relay", spec, "--sshd-config"]);
    assert.equal(matches.status, 0, matches.stderr);
    // Debian's layout: sshd_config.d/*.conf read in order at the top of sshd_config.
    const dir = mkdtempSync(join(work, "limits-"));
    mkdirSync(join(dir, "sshd_config.d"));
    writeFileSync(join(dir, "sshd_config.d", "00-tunnelc-limits.conf"), limits.stdout);
    writeFileSync(join(dir, "sshd_config.d", "tunnelc.conf"), matches.stdout);
    writeFileSync(join(dir, "sshd_config"), debianMain(join(dir, "sshd_config.d", "*.conf")));
    const config = join(dir, "sshd_config");
    const checked = spawnSync(SSHD, ["-t", "-f", config], { encoding: "utf8" });
    assert.equal(checked.status, 0, `sshd -t: ${checked.stderr}\n${limits.stdout}`);
    const shown = spawnSync(SSHD, ["-T", "-f", config], { encoding: "utf8" });
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`^maxstartups ${want}$`, "m"));
    // Why it is a file of its own: the Match file is valid wherever it is read, even included
    // after a Match block of the main file; the same file starting with MaxStartups is not.
    const matchLast = (include: string) =>
      `${debianMain("/dev/null")}Match User admin\n    PermitTTY yes\nInclude ${include}\n`;
    assert.equal(sshd(matches.stdout, [], matchLast).status, 0, "the Match file alone");
    const joined = sshd(`${limits.stdout}${matches.stdout}`, [], matchLast);
    assert.notEqual(joined.status, 0, "sshd -t took MaxStartups inside a Match block");
    assert.match(joined.stderr, /MaxStartups' is not allowed within a Match block/);
  }
});

// sshd refuses to start on a keyword it does not know (sshd_config(5)): PerSourcePenalties is
// OpenSSH 9.8's, so it is printed only for the version --openssh names.
test("relay --sshd-limits --openssh: the penalties only for 9.8 and later; without it, or for 9.2, what this sshd -t accepts; LoginGraceTime pinned", (t) => {
  if (!sshdReady(t)) return;
  const spec = specFile("penalties.json", fleetSpecText(["a", "b"]));
  const limits = (...extra: string[]) => {
    const r = tunnelc(["relay", spec, "--sshd-limits", ...extra]);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  const plain = limits();
  for (const version of ["9.8", "10.0p2", "OpenSSH_9.9p1 Ubuntu-3ubuntu3, OpenSSL 3.4.1"]) {
    const newer = limits("--openssh", version);
    assert.match(newer, /^PerSourcePenalties crash:90s authfail:0s noauth:0s grace-exceeded:0s$/m);
    assert.match(newer, /^PerSourceNetBlockSize 32:128$/m);
    // On the 9.2 here the same file stops sshd: why the version is asked for.
    const checked = sshd(newer);
    assert.notEqual(checked.status, 0, "sshd 9.2 took PerSourcePenalties");
    assert.match(checked.stderr, /PerSourcePenalties/);
  }
  for (const text of [plain, limits("--openssh", "9.2"), limits("--openssh", "OpenSSH_7.9p1")]) {
    assert.doesNotMatch(text, /^PerSource/m);
    const checked = sshd(text);
    assert.equal(checked.status, 0, checked.stderr);
    const shown = sshd(text, ["-T"]);
    assert.match(shown.stdout, /^logingracetime 120$/m);
  }
  assert.match(plain, /--openssh/, "without --openssh the file says what it leaves out");
});

test("relay --openssh: not a version, or without --sshd-limits, is a usage error before any spec is read", () => {
  for (const args of [
    ["--sshd-limits", "--openssh", "ten"],
    ["--sshd-limits", "--openssh", ""],
    ["--openssh", "9.8"],
    ["--sshd-config", "--openssh", "9.8"],
  ]) {
    const r = tunnelc(["relay", "/nonexistent/spec.json", ...args]);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /--openssh/);
  }
});

test("relay: two of --sshd-config, --sshd-limits and --sysctl is a usage error, nothing printed", () => {
  const spec = specFile("two-files.json", fleetSpecText(["a"]));
  for (const pair of [
    ["--sshd-config", "--sshd-limits"],
    ["--sshd-limits", "--sysctl"],
    ["--sshd-config", "--sysctl"],
  ]) {
    const r = tunnelc(["relay", spec, ...pair]);
    assert.equal(r.status, 2, r.stdout);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /print different files: give one/);
  }
});

test("relay: a tunnel without server.user gets the authorized_keys header of the account it logs in as", () => {
  const spec = specFile(
    "header.json",
    fleetSpecText(["pi-1"], {
      publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICrEM716nxe4LfvKB6vD0AJ/7XlaayCe0GE1zFcdYHA3",
    }),
  );
  const r = tunnelc(["relay", spec]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^# tunnelc: ~pi-1\/\.ssh\/authorized_keys on the relay/m);
  assert.doesNotMatch(r.stdout, /device account's own name/);
});

/** Both relay files refused (exit 1) with the located message, and nothing printed. */
function relayRefuses(spec: string, message: RegExp): void {
  for (const args of [
    ["relay", spec, "--sshd-config"],
    ["relay", spec],
  ]) {
    const r = tunnelc(args);
    assert.equal(r.status, 1, r.stdout);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, message);
  }
}

test("relay: a spec value sshd would read as a pattern is refused where it is written (exit 1), in both files", () => {
  const spec = specFile(
    "star.json",
    JSON.stringify(
      {
        name: "star",
        server: { host: "relay", user: "fleet" },
        identity: "/etc/tunnelc/keys/k",
        publicKey:
          "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICrEM716nxe4LfvKB6vD0AJ/7XlaayCe0GE1zFcdYHA3",
        forwards: [{ remote: "*x:2000", to: "localhost:22" }],
      },
      null,
      2,
    ),
  );
  relayRefuses(spec, /star\.json:\d+:\d+: \/forwards\/0\/remote: "\*x:2000" cannot be written/);
});

/** The effective settings of a connection: sshd -T -C (sshd(8) -T, -C). */
function effective(dropIn: string, user: string, main?: (include: string) => string) {
  const r = sshd(dropIn, ["-T", "-C", `user=${user},host=laptop,addr=192.0.2.9`], main);
  assert.equal(r.status, 0, r.stderr);
  return new Map(
    r.stdout
      .split("\n")
      .map((l) => l.split(" "))
      .map(([k, ...v]) => [k!, v.join(" ")]),
  );
}

test("the drop-in leaves the main file's settings to every other account (sshd -T), wherever it is read", (t) => {
  if (!sshdReady(t)) return;
  const r = tunnelc(["relay", join(ROOT, "docs", "examples", "fleet.json"), "--sshd-config"]);
  assert.equal(r.status, 0, r.stderr);
  // Included at the top of Debian's sshd_config, and appended to a main file whose own lines
  // (all of them allowed in a Match block) follow it.
  const appended = (include: string) =>
    [
      `HostKey ${hostKeyFile()}`,
      "UsePAM no",
      readFileSync(include.replace("*.conf", "tunnelc.conf"), "utf8"),
      "X11Forwarding yes",
      "PermitTTY yes",
      "AllowAgentForwarding yes",
      "",
    ].join("\n");
  for (const main of [debianMain, appended]) {
    const other = effective(r.stdout, "admin", main);
    assert.equal(other.get("x11forwarding"), "yes", main.name);
    assert.equal(other.get("allowtcpforwarding"), "yes", main.name);
    assert.equal(other.get("permittty"), "yes", main.name);
    assert.equal(other.get("allowagentforwarding"), "yes", main.name);
    const device = effective(r.stdout, "fleet", main);
    assert.equal(device.get("x11forwarding"), "no", main.name);
    assert.equal(device.get("allowtcpforwarding"), "remote", main.name);
    assert.equal(device.get("permittty"), "no", main.name);
    assert.equal(device.get("permitopen"), "none", main.name);
  }
});

/** A model tunnel as the back ends take it, with values the schema would have refused. */
function modelTunnel(over: Partial<Tunnel>): ModelTunnel {
  const r = compileSpecs([{ file: "x.json", text: fleetSpecText(["x"]) }]);
  assert.ok(r.ok);
  const mt = r.model.tunnels[0]!;
  return { ...mt, tunnel: { ...mt.tunnel, ...over } };
}

test("values that do not fit sshd_config or ssh_config are refused by the pure checks", () => {
  const base = modelTunnel({});
  const cases: [string, Partial<Tunnel>, RegExp][] = [
    [
      "a blank in the account",
      { server: { ...base.tunnel.server, user: "a b" } },
      /relay account: "a b"/,
    ],
    [
      "a newline in the account",
      { server: { ...base.tunnel.server, user: "a\nForceCommand x" } },
      /relay account/,
    ],
    ["a pattern for an account", { server: { ...base.tunnel.server, user: "*" } }, /relay account/],
    ["root as the relay account", { server: { ...base.tunnel.server, user: "root" } }, /as root/],
    ["root by the local user", { user: "root" }, /as root/],
    [
      "a pattern as a listen host",
      {
        forwards: [
          {
            kind: "remote",
            bind: { kind: "tcp", address: "*x", port: 2000 },
            to: { kind: "tcp", port: 22 },
          },
        ],
      },
      /PermitListen/,
    ],
  ];
  for (const [what, over, message] of cases) {
    const problems = relayProblems({ tunnels: [modelTunnel(over)] });
    assert.equal(problems.length, 1, what);
    assert.match(problems[0]!.message, message, what);
  }
  assert.deepEqual(relayProblems({ tunnels: [base] }), []);
  const ssh = sshConfigProblems({
    tunnels: [
      modelTunnel({ server: { ...base.tunnel.server, host: "relay\nProxyCommand touch /tmp/x" } }),
    ],
  });
  assert.match(ssh[0]!.message, /ProxyJump: .* is not a host name/);
});

// ---- §4: the authorized_keys line, alone, in a real sshd --------------------------------------

interface Relay {
  port: number;
  keys: string;
  client: string;
  user: string;
  sshd: ChildProcess;
}

const servers: Server[] = [];
let relay: Relay | undefined;
after(() => {
  if (relay?.sshd.pid !== undefined) process.kill(relay.sshd.pid);
  for (const s of servers) s.close();
});

/** A service on the relay a device must not reach: answers "SECRET" and closes. */
async function relayService(): Promise<number> {
  const s = createServer((c) => c.end("SECRET\n"));
  servers.push(s);
  await new Promise<void>((ok) => s.listen(0, "127.0.0.1", ok));
  return (s.address() as { port: number }).port;
}

/** Our own sshd on 127.0.0.1: stock settings, no Match block, the keys file in the work dir. */
async function startRelay(): Promise<Relay> {
  if (relay !== undefined) return relay;
  const dir = mkdtempSync(join(work, "relay-"));
  const client = join(dir, "client");
  assert.equal(spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", client]).status, 0);
  const keys = join(dir, "authorized_keys");
  writeFileSync(keys, "");
  const config = join(dir, "sshd_config");
  // Debian 12's defaults that matter here: AllowTcpForwarding, AllowStreamLocalForwarding and
  // GatewayPorts left at sshd's defaults (yes, yes, no); no PermitOpen, no PermitListen.
  writeFileSync(
    config,
    [
      `HostKey ${hostKeyFile()}`,
      `AuthorizedKeysFile ${keys}`,
      "PermitRootLogin prohibit-password",
      "StrictModes no",
      "UsePAM no",
      "KbdInteractiveAuthentication no",
      "PasswordAuthentication no",
      "X11Forwarding yes",
      "PidFile none",
      "Subsystem sftp /usr/lib/openssh/sftp-server",
      "",
    ].join("\n"),
  );
  const { port, child: sshd } = await listeningSshd(config, ["-o", "ListenAddress=127.0.0.1"]);
  relay = { port, keys, client, user: userInfo().username, sshd };
  return relay;
}

/**
 * The device's ssh to our relay with `args`, run asynchronously: the relay's services live in
 * this process, and a spawnSync would stop them from answering.
 */
function deviceSsh(
  r: Relay,
  args: string[],
  timeout = 15000,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    "ssh",
    [
      ...["-F", "/dev/null", "-i", r.client, "-p", String(r.port), "-l", r.user],
      ...["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no"],
      ...["-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"],
      ...["-o", "ExitOnForwardFailure=yes"],
      ...args,
      "127.0.0.1",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += String(d)));
  child.stderr.on("data", (d: Buffer) => (stderr += String(d)));
  const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid), timeout);
  return new Promise((ok) =>
    child.on("close", (status) => {
      clearTimeout(timer);
      ok({ status, stdout, stderr });
    }),
  );
}

/** Installs the line authorizedKeysLine makes for a tunnel with these forwards. */
function authorize(r: Relay, forwards: Tunnel["forwards"]): string {
  const pub = readFileSync(`${r.client}.pub`, "utf8").split(" ").slice(0, 2).join(" ");
  const line = authorizedKeysLine({ tunnel: { name: "dev", forwards }, publicKey: pub });
  writeFileSync(r.keys, line + "\n");
  return line;
}

/** Whatever the relay's port sends to one connection, within a few seconds. */
function readFrom(port: number): Promise<string> {
  return new Promise((ok) => {
    let got = "";
    const c = connect(port, "127.0.0.1");
    c.on("data", (d) => (got += String(d)));
    c.on("close", () => ok(got));
    c.on("error", () => ok(got));
    c.setTimeout(5000, () => c.destroy());
  });
}

const tcp = (port: number, address?: string) =>
  ({ kind: "tcp", port, ...(address !== undefined && { address }) }) as const;

test("authorized_keys alone, real sshd, no Match block: a device without local forwards opens no -L", async (t) => {
  if (!sshdReady(t) || !needs(t, "ssh", hasSsh)) return;
  const r = await startRelay();
  const service = await relayService();
  const listen = await freePort();
  const line = authorize(r, [{ kind: "remote", bind: tcp(listen), to: tcp(22, "localhost") }]);
  // ssh -W opens the same direct-tcpip channel -L does (RFC 4254 7.2): to the relay's service.
  for (const target of [`127.0.0.1:${service}`, `localhost:${service}`]) {
    const w = await deviceSsh(r, ["-W", target]);
    assert.notEqual(w.status, 0, `${line}\n-W ${target}: ${w.stdout}`);
    assert.doesNotMatch(w.stdout, /SECRET/, line);
  }
  // And as the device would ask: ssh -N -L, then a connection to its local end.
  const local = await freePort();
  const forward = spawn(
    "ssh",
    [
      ...["-F", "/dev/null", "-i", r.client, "-p", String(r.port), "-l", r.user, "-N"],
      ...["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "LogLevel=ERROR"],
      ...["-o", "UserKnownHostsFile=/dev/null", "-o", "ExitOnForwardFailure=yes"],
      ...["-L", `127.0.0.1:${local}:127.0.0.1:${service}`, "127.0.0.1"],
    ],
    { stdio: "ignore" },
  );
  try {
    let accepted = false;
    for (let i = 0; i < 50 && !accepted; i++) {
      await new Promise((ok) => setTimeout(ok, 100));
      accepted = await new Promise<boolean>((ok) => {
        const c = connect(local, "127.0.0.1");
        c.on("connect", () => (c.destroy(), ok(true)));
        c.on("error", () => ok(false));
      });
    }
    assert.ok(accepted, "ssh -L listens on the device");
    assert.doesNotMatch(await readFrom(local), /SECRET/, `${line}: -L reached the relay's service`);
  } finally {
    if (forward.pid !== undefined) process.kill(forward.pid);
  }
  // A unix socket on the relay (direct-streamlocal) is refused as well.
  const sock = join(work, "relay-service.sock");
  const unix = createServer((c) => c.end("SECRET\n"));
  servers.push(unix);
  await new Promise<void>((ok) => unix.listen(sock, ok));
  const w = await deviceSsh(r, ["-W", sock]);
  assert.doesNotMatch(w.stdout, /SECRET/, line);
  // The session: no command, no shell, no sftp.
  const cmd = await deviceSsh(r, ["echo", "RAN"]);
  assert.doesNotMatch(cmd.stdout, /RAN/, line);
  // The -R it asks for works: a connection to the relay's port reaches the device's service.
  const device = await relayService();
  const tunnel = spawn(
    "ssh",
    [
      ...["-F", "/dev/null", "-i", r.client, "-p", String(r.port), "-l", r.user, "-N"],
      ...["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "LogLevel=ERROR"],
      ...["-o", "UserKnownHostsFile=/dev/null", "-o", "ExitOnForwardFailure=yes"],
      ...["-R", `${listen}:127.0.0.1:${device}`, "127.0.0.1"],
    ],
    { stdio: "ignore" },
  );
  try {
    let got = "";
    for (let i = 0; i < 50 && !got.includes("SECRET"); i++) {
      await new Promise((ok) => setTimeout(ok, 100));
      got = await readFrom(listen);
    }
    assert.match(got, /SECRET/, "the allowed -R carries connections");
  } finally {
    if (tunnel.pid !== undefined) process.kill(tunnel.pid);
  }
  // Any other -R is refused.
  const other = await deviceSsh(r, ["-N", "-R", `${await freePort()}:127.0.0.1:${device}`]);
  assert.equal(other.status, 255, other.stderr);
  assert.match(other.stderr, /remote port forwarding failed/);
});

test("authorized_keys alone, real sshd: permitopen for exactly a device's local forwards; no -R without remote forwards", async (t) => {
  if (!sshdReady(t) || !needs(t, "ssh", hasSsh)) return;
  const r = await startRelay();
  const allowed = await relayService();
  const other = await relayService();
  const line = authorize(r, [
    { kind: "local", bind: tcp(await freePort()), to: tcp(allowed, "127.0.0.1") },
  ]);
  const ok = await deviceSsh(r, ["-W", `127.0.0.1:${allowed}`]);
  assert.match(ok.stdout, /SECRET/, `${line}: ${ok.stderr}`);
  const no = await deviceSsh(r, ["-W", `127.0.0.1:${other}`]);
  assert.doesNotMatch(no.stdout, /SECRET/, line);
  // No remote forwards: no -R at all, on loopback or elsewhere (even when the account is root).
  for (const bind of [
    `${await freePort()}`,
    `127.0.0.1:${await freePort()}`,
    `*:${await freePort()}`,
  ]) {
    const rf = await deviceSsh(r, ["-N", "-R", `${bind}:127.0.0.1:${allowed}`]);
    assert.equal(rf.status, 255, `${line}\n-R ${bind}: ${rf.stderr}`);
  }
});

// ---- §5: the laptop's ssh_config ----------------------------------------------------------

/** ssh -G: the settings ssh would use for `host` from `config`, without connecting. */
function sshG(config: string, host: string): Map<string, string> {
  const r = spawnSync("ssh", ["-G", "-F", config, host], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return new Map(
    r.stdout
      .split("\n")
      .map((l) => l.split(" "))
      .map(([k, ...v]) => [k!, v.join(" ")]),
  );
}

const FLEET = join(ROOT, "docs", "examples", "fleet.json");

test("ssh-config: a hostile --relay-user is refused before anything is written (exit 2)", (t) => {
  if (!needs(t, "ssh", hasSsh)) return;
  const pwn = join(work, "pwned");
  const hostile = [
    `x$(touch ${pwn})`,
    // No blank, so ssh_config keeps it one word; on main `ssh -F out HOST` made the file.
    `x$(touch\${IFS}${pwn})`,
    `x\`touch ${pwn}\``,
    `x;touch ${pwn}`,
    "me\nProxyCommand sh -c 'touch /tmp/x'",
    "me\nLocalCommand touch /tmp/x\nPermitLocalCommand yes",
    "me\rProxyCommand x",
    "me ProxyCommand=x",
    "%d",
    "-oProxyCommand=x",
    "",
    'me"x',
    "me#x",
    "a,b",
  ];
  for (const user of hostile) {
    const r = tunnelc(["ssh-config", FLEET, `--relay-user=${user}`]);
    assert.equal(r.status, 2, `${JSON.stringify(user)}: ${r.stdout}`);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /--relay-user(: .* is not an account name| needs a value)/);
    // What main printed, resolved by the real ssh: the value became settings of its own.
    const out = join(work, "laptop.conf");
    writeFileSync(out, r.stdout);
    const g = sshG(out, "pi-kitchen");
    assert.equal(g.get("proxycommand"), undefined);
    assert.equal(g.get("localcommand"), undefined);
  }
  assert.ok(!existsSync(pwn));
});

test("ssh-config: a good --relay-user is one token in ProxyJump, nothing else (ssh -G)", (t) => {
  if (!needs(t, "ssh", hasSsh)) return;
  const r = tunnelc(["ssh-config", FLEET, "--relay-user", "me.admin@corp"]);
  assert.equal(r.status, 0, r.stderr);
  const out = join(work, "good.conf");
  writeFileSync(out, r.stdout);
  const g = sshG(out, "pi-kitchen");
  assert.equal(g.get("proxyjump"), "me.admin@corp@relay.example.net");
  assert.equal(g.get("proxycommand"), undefined);
  assert.equal(g.get("localcommand"), undefined);
  assert.equal(g.get("hostkeyalias"), "pi-kitchen");
});

test("relay: a user tunnel without server.user is refused: its login is the account that runs it, which the relay cannot know", () => {
  const spec = specFile(
    "user-scope.json",
    JSON.stringify(
      {
        name: "admin",
        scope: "user",
        server: "relay.example.org",
        identity: "/home/me/.ssh/id_ed25519",
        publicKey:
          "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICrEM716nxe4LfvKB6vD0AJ/7XlaayCe0GE1zFcdYHA3",
        forwards: [{ remote: 2222, to: "localhost:22" }],
      },
      null,
      2,
    ),
  );
  // No Match User admin: that would lock down whatever account "admin" the relay has.
  relayRefuses(spec, /user-scope\.json:\d+:\d+: \/server: a user tunnel without server\.user/);
});
