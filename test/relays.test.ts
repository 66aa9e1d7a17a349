// A fleet of several relays (issue 18 §4): each device one tunnel per relay it is assigned,
// ports allocated per relay and stable, the relay's files per relay (each passing the real
// sshd -t), and the laptop's one Host block that reaches the device through whichever relay
// answers, proven here with real sshd and ssh on loopback (the container proves a relay whose
// host is gone, test/e2e/faults.sh).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { tunnelc } from "./helpers/run-cli.ts";
import { freePort } from "./helpers/free-port.ts";
import { SSHD, listeningSshd } from "./helpers/sshd.ts";
import { hasTool, needs } from "./helpers/prereq.ts";
import { compileSpecs } from "../src/render/units.ts";
import { sshConfig, FAILOVER_CONNECT_TIMEOUT } from "../src/ends/ssh-config.ts";
import type { ModelTunnel } from "../src/model/tunnel.ts";

const hasSshd = existsSync(SSHD) && existsSync("/usr/bin/ssh-keygen");
const hasSsh = hasTool("ssh", ["-V"]);
const work = mkdtempSync(join(tmpdir(), "tunnelc-relays-"));
const KEYS = [
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIfbOBP9udjr/3PkEEmIfWDp5aDapfciXjk3p9Ebm5LO",
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILX9p29/qVrvLD2+NRtq0m1XOzAeWu78fNjFHP2YRwrG",
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPFYmVwdx+/FCVneVf51+uEyOVLgJ/4NDY29VItnXzen",
];

/** A fleet of `devices` on relays a and b (or `relays`), "auto" ports, each device its key. */
function fleet(devices: object[], relays: Record<string, unknown> = RELAYS): string {
  return JSON.stringify(
    {
      relays,
      defaults: { forwards: [{ remote: "auto", to: 22 }] },
      ports: { from: 20000, to: 20999 },
      tunnels: devices,
    },
    null,
    2,
  );
}
const RELAYS = {
  a: { host: "relay-a.example.net", user: "fleet" },
  b: "fleet@relay-b.example.net:2222",
};
const device = (name: string, i: number, extra: object = {}) => ({
  name,
  identity: `/etc/tunnelc/keys/${name}`,
  publicKey: KEYS[i % KEYS.length],
  ...extra,
});

function specFile(name: string, text: string): string {
  const f = join(work, name);
  writeFileSync(f, text);
  return f;
}

const compiled = (text: string) => compileSpecs([{ file: "fleet.json", text }]);

test("a device of two relays is two units, DEVICE.RELAY, each to its relay, one key, one login, one port", () => {
  const r = compiled(fleet([device("pi-kitchen", 0)]));
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  assert.deepEqual(
    r.units.map((u) => u.fileName),
    ["pi-kitchen.a.service", "pi-kitchen.b.service"],
  );
  const [a, b] = r.units.map((u) => u.text);
  assert.match(a!, /-l fleet -p 22 -- relay-a\.example\.net$/m);
  assert.match(b!, /-l fleet -p 2222 -- relay-b\.example\.net$/m);
  for (const text of [a!, b!])
    assert.match(text, /install -m 0600 -- \/etc\/tunnelc\/keys\/pi-kitchen /);
  const ports = r.model.tunnels.map((t) => t.tunnel.forwards[0]!.bind);
  assert.deepEqual(ports[0], ports[1], "the device prefers one port on every relay");
  assert.deepEqual(
    r.model.tunnels.map((t) => t.tunnel.via),
    [
      { device: "pi-kitchen", relay: "a" },
      { device: "pi-kitchen", relay: "b" },
    ],
  );
  // Without server.user the relay account is the device's name, on every relay.
  const r2 = compiled(fleet([device("pi-x", 0)], { a: "relay-a", b: "relay-b" }));
  assert.ok(r2.ok);
  for (const u of r2.units) assert.match(u.text, /-l pi-x -p 22 -- relay-[ab]$/m);
});

test("a fleet without relays compiles byte for byte as before (no via, the same hash)", () => {
  const text = JSON.stringify({
    defaults: { server: "fleet@relay", forwards: [{ remote: "auto", to: 22 }] },
    ports: { from: 20000, to: 20999 },
    tunnels: [device("pi-kitchen", 0)],
  });
  const plain = compiled(text);
  const relayed = compiled(fleet([device("pi-kitchen", 0)], { a: "fleet@relay" }));
  assert.ok(plain.ok && relayed.ok);
  assert.equal(plain.model.tunnels[0]!.tunnel.via, undefined);
  // Same device, same relay: the same port whether the relay is named or not.
  assert.deepEqual(
    plain.model.tunnels[0]!.tunnel.forwards,
    relayed.model.tunnels[0]!.tunnel.forwards,
  );
});

test("ports are allocated per relay: no clash on a relay, a device keeps its port as devices come and go", () => {
  const names = Array.from({ length: 60 }, (_, i) => `dev-${i}`);
  const ports = (list: string[], relays: (n: string) => object = () => ({})) => {
    const r = compiled(
      fleet(
        list.map((n, i) => device(n, i, relays(n))),
        { a: "fleet@a", b: "fleet@b" },
      ),
    );
    assert.ok(r.ok, JSON.stringify(r.diagnostics.slice(0, 3)));
    return new Map(
      r.model.tunnels.map((t) => [
        t.tunnel.name,
        (t.tunnel.forwards[0]!.bind as { port: number }).port,
      ]),
    );
  };
  const all = ports(names);
  for (const relay of ["a", "b"]) {
    const on = [...all].filter(([n]) => n.endsWith(`.${relay}`)).map(([, p]) => p);
    assert.equal(new Set(on).size, on.length, `no two devices share a port on ${relay}`);
  }
  const fewer = ports(names.filter((_, i) => i % 4 !== 0));
  const moved = [...fewer].filter(([n, p]) => all.get(n) !== p);
  assert.deepEqual(moved, [], "removing devices moves no one");
  const more = ports([...names, "new-1", "new-2"]);
  assert.ok([...all].filter(([n, p]) => more.get(n) !== p).length <= 2);
  // Half the devices on b only: a's ports do not move.
  const half = ports(names, (n) => (Number(n.slice(4)) % 2 ? { relays: ["b"] } : {}));
  for (const [n, p] of half) if (n.endsWith(".a")) assert.equal(p, all.get(n), n);
});

test("N of M relays: chosen by the device's name, spread over the relays, few moves when a relay is added", () => {
  const names = Array.from({ length: 200 }, (_, i) => `dev-${i}`);
  const assigned = (relays: Record<string, string>) => {
    const r = compiled(
      fleet(
        names.map((n, i) => device(n, i, { relays: 2 })),
        relays,
      ),
    );
    assert.ok(r.ok, JSON.stringify(r.diagnostics.slice(0, 3)));
    const out = new Map<string, string[]>();
    for (const t of r.model.tunnels)
      out.set(t.tunnel.via!.device, [
        ...(out.get(t.tunnel.via!.device) ?? []),
        t.tunnel.via!.relay,
      ]);
    return out;
  };
  const three = assigned({ a: "r@a", b: "r@b", c: "r@c" });
  assert.ok([...three.values()].every((rs) => rs.length === 2));
  const first = new Map<string, number>();
  for (const rs of three.values()) first.set(rs[0]!, (first.get(rs[0]!) ?? 0) + 1);
  for (const r of ["a", "b", "c"])
    assert.ok((first.get(r) ?? 0) > 200 / 3 / 2, `relay ${r} is first for ${first.get(r)} devices`);
  assert.deepEqual(assigned({ a: "r@a", b: "r@b", c: "r@c" }), three, "deterministic");
  const four = assigned({ a: "r@a", b: "r@b", c: "r@c", d: "r@d" });
  // Rendezvous hashing: a device whose relays change gains d in place of one of them, and keeps
  // the other; about half (2 of 4) of the devices gain d.
  const set = (rs: string[]) => [...rs].sort().join();
  const changed = names.filter((n) => set(three.get(n)!) !== set(four.get(n)!));
  for (const n of changed) {
    assert.ok(four.get(n)!.includes("d"), `${n}: ${set(three.get(n)!)} → ${set(four.get(n)!)}`);
    assert.equal(four.get(n)!.filter((r) => three.get(n)!.includes(r)).length, 1, n);
  }
  assert.ok(changed.length > 50 && changed.length < 150, `${changed.length} of 200 changed`);
});

/** The located messages of a spec that must be refused (exit 1), nothing written. */
function refused(text: string, ...messages: RegExp[]): string {
  const spec = specFile(
    `refused-${messages.length}-${Math.random().toString(36).slice(2)}.json`,
    text,
  );
  const out = join(work, `out-${Math.random().toString(36).slice(2)}`);
  const r = tunnelc(["compile", spec, "-o", out]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.equal(existsSync(out), false, "nothing written");
  for (const m of messages) assert.match(r.stderr, m);
  return r.stderr;
}

test("relays used wrongly are refused where they are written, every problem at once, each once", () => {
  const err = refused(
    fleet([
      device("one", 0, { relays: ["a", "bb"] }),
      device("two", 1, { relays: 3 }),
      device("three", 2, { server: "x@elsewhere" }),
    ]),
    /:\d+:\d+: \/tunnels\/0\/relays\/1: no relay "bb" in the fleet's "relays" \(a, b\); did you mean "b"\?/,
    /\/tunnels\/1\/relays: asks for 3 relays; the fleet has 2/,
    /\/tunnels\/2\/server: this fleet has "relays"/,
  );
  assert.match(err, /3 errors/);
  refused(
    JSON.stringify({
      defaults: { server: "r@x", forwards: [{ remote: 2000, to: 22 }], relays: ["a"] },
      tunnels: [device("one", 0)],
    }),
    /\/defaults\/relays: names relays, but the spec has no "relays"/,
  );
  refused(
    JSON.stringify({
      name: "solo",
      server: "r@x",
      relays: ["a"],
      identity: "/k",
      forwards: [{ remote: 2000, to: 22 }],
    }),
    /\/relays: only a fleet \("tunnels"\) has relays/,
  );
  refused(
    fleet([device("a".repeat(199), 0)]),
    /\/tunnels\/0\/name: with relay a its unit would be a{199}\.a\.service/,
  );
  refused(
    fleet([device("x", 0)], { "bad.name": "r@x" }),
    /\/relays: has a field name that is not allowed|\/relays/,
  );
  // The tunnels of a fleet with relays still pass the whole tunnel schema (the fuzzer found one
  // without forwards that did not).
  refused(
    JSON.stringify({ relays: { a: "r@a" }, tunnels: [{ name: "x", identity: "/k" }] }),
    /\/tunnels\/0: missing required field "forwards"/,
  );
  // A problem written once in defaults, reached by two relays' tunnels, is reported once.
  const once = refused(
    JSON.stringify({
      relays: { a: { host: "a", hostKeys: [KEYS[0]] }, b: { host: "b", hostKeys: [KEYS[1]] } },
      defaults: { forwards: [{ remote: 2000, to: 22 }], hostKeyPolicy: "accept-new" },
      tunnels: [device("one", 0)],
    }),
    /\/defaults\/hostKeyPolicy: server\.hostKeys pins/,
  );
  assert.match(once, /1 error\b/);
});

test("--only DEVICE picks every tunnel of the device; --only DEVICE.RELAY one", () => {
  const spec = specFile("only.json", fleet([device("pi-kitchen", 0), device("pi-garage", 1)]));
  const both = tunnelc(["compile", spec, "--only", "pi-kitchen", "--json"]);
  assert.equal(both.status, 0, both.stderr);
  const names = (r: { stdout: string }) =>
    (JSON.parse(r.stdout) as { units: { name: string }[] }).units.map((u) => u.name);
  assert.deepEqual(names(both), ["pi-kitchen.a", "pi-kitchen.b"]);
  assert.deepEqual(names(tunnelc(["compile", spec, "--only", "pi-garage.b", "--json"])), [
    "pi-garage.b",
  ]);
});

test("keygen: one key per device, whatever its relays; its lines for each relay", () => {
  const spec = specFile(
    "keygen.json",
    fleet([{ name: "pi-k", identity: join(work, "keys", "pi-k") }]),
  );
  mkdirSync(join(work, "keys"), { recursive: true, mode: 0o700 });
  const r = tunnelc(["keygen", spec, "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const { keys } = JSON.parse(r.stdout) as { keys: { name: string; authorizedKeys: string }[] };
  assert.equal(keys.length, 1);
  assert.equal(keys[0]!.name, "pi-k");
  assert.match(keys[0]!.authorizedKeys, /tunnelc:pi-k\.a\n.*tunnelc:pi-k\.b$/);
});

/** sshd -t of a relay's two sshd_config.d files, as Debian's main file includes them. */
function sshdAccepts(limits: string, matches: string): void {
  const dir = mkdtempSync(join(work, "sshd-"));
  mkdirSync(join(dir, "sshd_config.d"));
  const key = join(dir, "host");
  assert.equal(spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]).status, 0);
  writeFileSync(join(dir, "sshd_config.d", "00-tunnelc-limits.conf"), limits);
  writeFileSync(join(dir, "sshd_config.d", "tunnelc.conf"), matches);
  writeFileSync(
    join(dir, "sshd_config"),
    `Include ${join(dir, "sshd_config.d", "*.conf")}\nHostKey ${key}\nUsePAM no\n`,
  );
  if (!existsSync("/run/sshd")) mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const r = spawnSync(SSHD, ["-t", "-f", join(dir, "sshd_config")], { encoding: "utf8" });
  assert.equal(r.status, 0, `sshd -t: ${r.stderr}\n${limits}${matches}`);
}

test("relay: each relay's files after a header, or one relay's alone with --relay; each passes sshd -t", (t) => {
  const spec = specFile(
    "two.json",
    fleet([device("pi-kitchen", 0), device("pi-garage", 1, { relays: ["b"] })]),
  );
  const all = tunnelc(["relay", spec]);
  assert.equal(all.status, 0, all.stderr);
  assert.match(all.stdout, /^# ==== tunnelc: relay a \(fleet@relay-a\.example\.net\) ====$/m);
  assert.match(all.stdout, /^# ==== tunnelc: relay b \(fleet@relay-b\.example\.net:2222\) ====$/m);
  const a = tunnelc(["relay", spec, "--relay", "a"]);
  assert.equal(a.status, 0, a.stderr);
  assert.doesNotMatch(a.stdout, /====|pi-garage/);
  assert.match(a.stdout, /tunnelc:pi-kitchen\.a$/m);
  const b = tunnelc(["relay", spec, "--relay", "b"]);
  assert.match(b.stdout, /tunnelc:pi-kitchen\.b$/m);
  assert.match(b.stdout, /tunnelc:pi-garage\.b$/m);
  // The same key on two relays is no clash; twice on one relay is.
  const shared = tunnelc([
    "relay",
    specFile("shared.json", fleet([device("d1", 0), device("d2", 0, { relays: ["b"] })])),
  ]);
  assert.equal(shared.status, 1);
  assert.match(shared.stderr, /d2\.b has the same key as d1\.b on relay account fleet/);
  const limits = tunnelc(["relay", spec, "--sshd-limits", "--relay", "b"]);
  assert.match(limits.stdout, /for 2 devices/);
  for (const [r, n] of [
    ["nope", /--relay nope: no such relay in the specs \(they have a, b\)/],
  ] as const) {
    const bad = tunnelc(["relay", spec, "--relay", r]);
    assert.equal(bad.status, 2);
    assert.equal(bad.stdout, "");
    assert.match(bad.stderr, n);
  }
  if (!needs(t, "openssh-server (/usr/sbin/sshd)", hasSshd)) return;
  for (const relay of ["a", "b"]) {
    const l = tunnelc(["relay", spec, "--sshd-limits", "--relay", relay]);
    const m = tunnelc(["relay", spec, "--sshd-config", "--relay", relay]);
    assert.deepEqual([l.status, m.status], [0, 0], l.stderr + m.stderr);
    sshdAccepts(l.stdout, m.stdout);
  }
});

// ---- the laptop's failover, with real sshd and ssh on loopback ---------------------------------

const children: ChildProcess[] = [];
const servers: Server[] = [];
const sockets: Socket[] = [];
after(() => {
  for (const c of children) if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid);
  for (const s of sockets) s.destroy();
  for (const s of servers) s.close();
});

/** An sshd of our own on 127.0.0.1 that lets `client` in. */
async function sshd(dir: string, name: string, hostKey: string, keys: string): Promise<number> {
  const config = join(dir, `sshd-${name}`);
  writeFileSync(
    config,
    [
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${keys}`,
      "StrictModes no",
      "UsePAM no",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PidFile none",
      "ListenAddress 127.0.0.1",
      "",
    ].join("\n"),
  );
  const { port, child } = await listeningSshd(config);
  children.push(child);
  return port;
}

/** A host that accepts TCP and never says a word: a relay whose sshd hangs. */
async function silent(): Promise<number> {
  const s = createServer((c) => sockets.push(c));
  servers.push(s);
  await new Promise<void>((ok) => s.listen(0, "127.0.0.1", ok));
  return (s.address() as { port: number }).port;
}

/** The Host block sshConfig writes for a device whose tunnels reach these relay/port pairs. */
function failoverConfig(tries: { relayPort: number; devicePort: number }[]): string {
  const relays = Object.fromEntries(tries.map((_, i) => [`r${i}`, "r@127.0.0.1"]));
  const r = compiled(fleet([device("dev", 0)], relays));
  assert.ok(r.ok);
  const tunnels: ModelTunnel[] = tries.map((x, i) => {
    const mt = r.model.tunnels[i]!;
    const f = mt.tunnel.forwards[0]!;
    return {
      ...mt,
      tunnel: {
        ...mt.tunnel,
        server: { ...mt.tunnel.server, port: x.relayPort },
        forwards: [{ ...f, bind: { kind: "tcp", port: x.devicePort } } as typeof f],
      },
    };
  });
  return sshConfig({ tunnels }, userInfo().username);
}

test("ssh-config: one Host per device of several relays; the laptop's ssh gets a shell through the next relay when one is down, hangs or has no port for it", async (t) => {
  if (!needs(t, "openssh-server (/usr/sbin/sshd)", hasSshd) || !needs(t, "ssh", hasSsh)) return;
  const dir = mkdtempSync(join(work, "failover-"));
  const key = (n: string) => {
    const f = join(dir, n);
    assert.equal(spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", f]).status, 0);
    return f;
  };
  const host = key("host");
  const client = key("client");
  const keys = join(dir, "authorized_keys");
  writeFileSync(keys, readFileSync(`${client}.pub`));
  // The relays' sshd; the device's sshd stands for the device's end of the relay's port.
  const relayA = await sshd(dir, "a", host, keys);
  const relayB = await sshd(dir, "b", host, keys);
  const deviceSshd = await sshd(dir, "device", host, keys);
  const closed = await freePort();
  const hung = await silent();
  // The laptop's relay settings as its own ~/.ssh/config would give them: the ProxyCommand's
  // ssh is found on PATH, here one that reads this file (the generated block stays as it is).
  const bin = join(dir, "bin");
  mkdirSync(bin);
  writeFileSync(
    join(dir, "relay-config"),
    `Host *\n  IdentityFile ${client}\n  IdentitiesOnly yes\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  BatchMode yes\n  LogLevel ERROR\n`,
  );
  writeFileSync(
    join(bin, "ssh"),
    `#!/bin/sh\nexec /usr/bin/ssh -F ${join(dir, "relay-config")} "$@"\n`,
  );
  chmodSync(join(bin, "ssh"), 0o755);
  writeFileSync(join(dir, "known_hosts"), `dev ${readFileSync(`${host}.pub`, "utf8")}`);
  const laptop = (config: string) => {
    const file = join(dir, `laptop-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, config);
    const start = process.hrtime.bigint();
    return new Promise<{ out: string; err: string; seconds: number }>((ok) => {
      const child = spawn(
        "/usr/bin/ssh",
        [
          ...["-F", file, "-i", client, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes"],
          ...["-o", `UserKnownHostsFile=${join(dir, "known_hosts")}`],
          ...["-o", "StrictHostKeyChecking=yes", "dev", "echo reached-$USER"],
        ],
        { env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` } },
      );
      children.push(child);
      let out = "";
      let err = "";
      child.stdout.on("data", (d: Buffer) => (out += String(d)));
      child.stderr.on("data", (d: Buffer) => (err += String(d)));
      const timer = setTimeout(() => child.kill(), 20000);
      child.on("close", () => {
        clearTimeout(timer);
        ok({ out, err, seconds: Number(process.hrtime.bigint() - start) / 1e9 });
      });
    });
  };
  const me = `reached-${userInfo().username}\n`;
  const cases: [string, { relayPort: number; devicePort: number }[], number][] = [
    [
      "A answers",
      [
        { relayPort: relayA, devicePort: deviceSshd },
        { relayPort: relayB, devicePort: closed },
      ],
      0,
    ],
    [
      "A's sshd is down",
      [
        { relayPort: closed, devicePort: deviceSshd },
        { relayPort: relayB, devicePort: deviceSshd },
      ],
      0,
    ],
    [
      "A has no port for the device",
      [
        { relayPort: relayA, devicePort: closed },
        { relayPort: relayB, devicePort: deviceSshd },
      ],
      0,
    ],
    [
      "A's host does not answer",
      [
        { relayPort: hung, devicePort: deviceSshd },
        { relayPort: relayB, devicePort: deviceSshd },
      ],
      FAILOVER_CONNECT_TIMEOUT,
    ],
    [
      "A and B fail, C answers",
      [
        { relayPort: closed, devicePort: deviceSshd },
        { relayPort: relayA, devicePort: closed },
        { relayPort: relayB, devicePort: deviceSshd },
      ],
      0,
    ],
  ];
  for (const [what, tries, waits] of cases) {
    const config = failoverConfig(tries);
    assert.match(config, /^Host dev$/m, config);
    assert.match(config, /^ {4}ProxyCommand sh -c '/m, config);
    const r = await laptop(config);
    assert.equal(r.out, me, `${what}: ${r.err}\n${config}`);
    // The next relay is tried as soon as one fails, after the connect timeout at most.
    assert.ok(r.seconds >= waits, `${what}: ${r.seconds} s`);
    t.diagnostic(`${what}: a shell in ${r.seconds.toFixed(1)} s`);
  }
  // Every relay down: ssh fails (255), and says so.
  const none = await laptop(
    failoverConfig([
      { relayPort: closed, devicePort: deviceSshd },
      { relayPort: relayA, devicePort: closed },
    ]),
  );
  assert.equal(none.out, "");
  assert.match(none.err, /Connection refused|stdio forwarding failed|closed by remote host/);
});

test("ssh-config: every block passes ssh -G, and its ProxyCommand is one sh -c with the relays in order", (t) => {
  if (!needs(t, "ssh", hasSsh)) return;
  const spec = specFile(
    "laptop.json",
    fleet([
      device("pi-kitchen", 0, { relays: ["b", "a"] }),
      device("pi-garage", 1, { relays: ["b"] }),
    ]),
  );
  const r = tunnelc(["ssh-config", spec, "--relay-user", "me"]);
  assert.equal(r.status, 0, r.stderr);
  const file = join(work, "laptop-config");
  writeFileSync(file, r.stdout);
  const g = spawnSync("ssh", ["-G", "-F", file, "pi-kitchen"], { encoding: "utf8" });
  assert.equal(g.status, 0, g.stderr);
  const proxy = /^proxycommand (.*)$/m.exec(g.stdout)?.[1];
  assert.match(
    proxy ?? "",
    /^sh -c 'ssh -o ConnectTimeout=2 -W localhost:\d+ -l me -p 2222 -- relay-b\.example\.net \|\| exec ssh -W localhost:\d+ -l me -p 22 -- relay-a\.example\.net'$/,
  );
  assert.match(g.stdout, /^hostkeyalias pi-kitchen$/m);
  const garage = spawnSync("ssh", ["-G", "-F", file, "pi-garage"], { encoding: "utf8" });
  assert.match(garage.stdout, /^proxyjump me@relay-b\.example\.net:2222$/m);
  // --relay a: the device through relay a alone, as before: ProxyJump.
  const onlyA = tunnelc(["ssh-config", spec, "--relay", "a"]);
  assert.match(
    onlyA.stdout,
    /^Host pi-kitchen\n {4}HostName localhost\n {4}Port \d+\n {4}ProxyJump fleet@relay-a\.example\.net$/m,
  );
  assert.doesNotMatch(onlyA.stdout, /pi-garage/);
});

test("the generator: a broken fleet with relays still fails loudly under every DEVICE.RELAY name it meant", () => {
  const dir = mkdtempSync(join(work, "gen-"));
  const good = fleet([device("pi-kitchen", 0), device("pi-garage", 1, { relays: ["b"] })]);
  writeFileSync(join(dir, "fleet.json"), good);
  const names = (r: { stdout: string }) =>
    (JSON.parse(r.stdout) as { files: { path: string }[] }).files
      .map((f) => f.path.split("/").pop()!)
      .filter((f) => f.endsWith(".service"))
      .sort();
  const ok = tunnelc(["generate", "--dry-run", "--json", "--spec-dir", dir]);
  assert.equal(ok.status, 0, ok.stderr);
  const made = names(ok);
  assert.deepEqual(made, ["pi-garage.b.service", "pi-kitchen.a.service", "pi-kitchen.b.service"]);
  // The same fleet with a mistake: the same unit names, each a unit that fails with the reason.
  writeFileSync(join(dir, "fleet.json"), good.replace('"to": 22', '"to": 99999'));
  const broken = tunnelc(["generate", "--dry-run", "--json", "--spec-dir", dir]);
  assert.deepEqual(names(broken), made, broken.stdout.slice(0, 2000));
  const n = fleet(
    Array.from({ length: 20 }, (_, i) => device(`d${i}`, i, { relays: 1 })),
    { a: "r@a", b: "r@b", c: "r@c" },
  );
  writeFileSync(join(dir, "fleet.json"), n);
  const nOk = names(tunnelc(["generate", "--dry-run", "--json", "--spec-dir", dir]));
  writeFileSync(join(dir, "fleet.json"), n.replace('"to": 22', '"to": 99999'));
  assert.deepEqual(names(tunnelc(["generate", "--dry-run", "--json", "--spec-dir", dir])), nOk);
});

test("ssh-config: an IPv6 listener is ssh -W's [address]:port, quoted so sh never reads it as a pattern", (t) => {
  const r = compiled(fleet([device("v6", 0, { forwards: [{ remote: "[::1]:20100", to: 22 }] })]));
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  const config = sshConfig(r.model);
  assert.match(
    config,
    /-W "\[::1\]:20100" -l fleet -p 22 -- relay-a\.example\.net \|\| exec ssh -W "\[::1\]:20100"/,
  );
  if (!needs(t, "ssh", hasSsh)) return;
  // A file a pattern would match, in the directory the laptop's shell runs in: sh leaves the
  // quoted word alone, so ssh -G shows the same ProxyCommand and sh -c gets the same words.
  const dir = mkdtempSync(join(work, "glob-"));
  writeFileSync(join(dir, "1:20100"), "");
  const file = join(dir, "config");
  writeFileSync(file, config);
  const proxy = /^proxycommand (.*)$/m.exec(
    spawnSync("ssh", ["-G", "-F", file, "v6"], { encoding: "utf8" }).stdout,
  )?.[1];
  assert.ok(proxy, config);
  const words = spawnSync(
    "sh",
    ["-c", `${proxy!.replace(/^sh -c '/, "set -- ").replace(/ \|\|.*$/, "")}; printf '%s\\n' "$@"`],
    { cwd: dir, encoding: "utf8" },
  ).stdout;
  assert.match(words, /^\[::1\]:20100$/m, words);
});
