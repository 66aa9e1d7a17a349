// The read-only commands as pure functions of gathered facts: status, diff and doctor run on a
// table (test/helpers/fake-gatherer.ts), with no file system, systemd or network behind them.
import { edgeOf } from "../src/edge/edge.ts";
import { test } from "node:test";
import assert from "node:assert/strict";
import { compileSpecs } from "../src/render/units.ts";
import { runStatus } from "../src/commands/status.ts";
import { runDiff } from "../src/commands/diff.ts";
import { runDoctor } from "../src/commands/doctor.ts";
import { notUp } from "../src/status/start-failure.ts";
import type { Query } from "../src/edge/query.ts";
import { gathererFor } from "../src/edge/read.ts";
import { fakeGatherer, type World } from "./helpers/fake-gatherer.ts";
import { fleetSpecText } from "./helpers/fleet-spec.ts";

const SPEC = "/specs/s.json";
const specText = fleetSpecText;

/** The units tunnelc renders for these tunnels, as installed files. */
function installed(names: string[], dir = "/etc/systemd/system"): Record<string, string> {
  const r = compileSpecs([{ file: "s.json", text: specText(names) }]);
  assert.ok(r.ok);
  return Object.fromEntries(r.units.map((u) => [`${dir}/${u.fileName}`, u.text]));
}

const UP =
  "ActiveState=active\nSubState=running\nResult=success\nNRestarts=0\nUnitFileState=enabled\nActiveEnterTimestamp=Mon 2025-01-06 10:00:00 UTC";
const DOWN =
  "ActiveState=activating\nSubState=auto-restart\nResult=exit-code\nNRestarts=3\nUnitFileState=enabled\nStateChangeTimestamp=Mon 2025-01-06 10:00:05 UTC";
const REFUSED = "Error: remote port forwarding failed for listen port 2000";

const STATUS: {
  name: string;
  args?: { names?: string[]; root?: string };
  world: World;
  exit: number;
  lines: RegExp[];
  /** Kinds of query the command must not have asked. */
  notAsked?: Query["kind"][];
}[] = [
  {
    name: "nothing installed: no systemctl at all",
    world: {},
    exit: 0,
    lines: [/^no tunnelc units installed$/m],
    notAsked: ["unit-state", "journal"],
  },
  {
    name: "a foreign unit is not ours",
    world: { files: { "/etc/systemd/system/x.service": "[Service]\nExecStart=/bin/true\n" } },
    exit: 0,
    lines: [/^no tunnelc units installed$/m],
    notAsked: ["unit-state"],
  },
  {
    name: "one up, one down: the down one's last log line and the fix",
    world: {
      files: installed(["a", "b"]),
      show: `Id=a.service\n${DOWN}\n\nId=b.service\n${UP}\n`,
      journal: { "a.service": ["earlier", REFUSED] },
    },
    exit: 0,
    lines: [
      /^a\.service +no +enabled +activating \(auto-restart\) +3 +Mon 2025-01-06 10:00:05 UTC$/m,
      /^b\.service +yes +enabled +active \(running\) +0 +Mon 2025-01-06 10:00:00 UTC$/m,
      new RegExp(`^a\\.service: last log: ${REFUSED}$`, "m"),
      /^a\.service: the relay refused port 2000/m,
    ],
  },
  {
    name: "a mistyped name says what is installed, exit 1",
    args: { names: ["c"] },
    world: { files: installed(["a"]) },
    exit: 1,
    lines: [],
    notAsked: ["unit-state"],
  },
  {
    name: "below --root: only whether each is enabled, no journal",
    args: { root: "/tree" },
    world: { files: installed(["a"], "/tree/etc/systemd/system"), enabled: "enabled\n" },
    exit: 0,
    lines: [/^a\.service +- +enabled +offline +0 +-$/m],
    notAsked: ["unit-state", "journal"],
  },
  {
    name: "a generated unit shows where it came from",
    world: { files: installed(["g"], "/run/systemd/generator"), show: `Id=g.service\n${UP}\n` },
    exit: 0,
    lines: [/^UNIT .* FROM$/m, /^g\.service +yes .* generated$/m],
  },
];

for (const c of STATUS) {
  test(`status on facts: ${c.name}`, () => {
    const asked: Query[] = [];
    const out = runStatus(
      { user: false, json: false, ...c.args },
      edgeOf({ gatherer: fakeGatherer(c.world, asked) }),
    );
    assert.equal(out.exitCode, c.exit);
    for (const line of c.lines) assert.match(out.stdout, line);
    for (const kind of c.notAsked ?? [])
      assert.ok(!asked.some((q) => q.kind === kind), `asked ${kind}`);
    if (c.exit === 1)
      assert.match(out.notes.join("\n"), /no tunnel named c is installed \(installed: a\)/);
  });
}

test("status on facts: a failed systemctl show is a system error naming the command", () => {
  const world = {
    files: installed(["a"]),
    show: { status: 1, stdout: "", stderr: "Failed to connect to bus" },
  };
  assert.throws(
    () => runStatus({ user: false, json: false }, edgeOf({ gatherer: fakeGatherer(world) })),
    (e: Error & { detail?: string }) =>
      /^systemctl show a\.service failed with exit status 1$/.test(e.message) &&
      e.detail === "Failed to connect to bus",
  );
});

test("a failed start on facts: only the units not up are named, each with its own log line", () => {
  const asked: Query[] = [];
  const world = {
    show: `Id=a.service\n${DOWN}\n\nId=b.service\n${UP}\n`,
    journal: { "a.service": [REFUSED] },
  };
  const down = notUp(fakeGatherer(world, asked), { user: false }, [
    "a.service",
    "b.service",
    "c.service",
  ]);
  assert.deepEqual(
    down.map((d) => [d.unit, d.state, d.lastLog]),
    [
      ["a.service", "activating (auto-restart)", REFUSED],
      ["c.service", "unknown", undefined],
    ],
  );
  assert.match(down[0]!.hint ?? "", /relay refused port 2000/);
  const journals = asked
    .filter((q) => q.kind === "journal")
    .map((q) => q.kind === "journal" && q.unit);
  assert.deepEqual(journals, ["a.service", "c.service"]);
});

const DIFF: { name: string; world: World; exitCode: boolean; exit: number; out: RegExp }[] = [
  {
    name: "same",
    world: installed(["a"]),
    exitCode: true,
    exit: 0,
    out: /^a\.service: no differences$/m,
  },
  {
    name: "not installed",
    world: {},
    exitCode: true,
    exit: 4,
    out: /^a\.service: not installed$/m,
  },
  {
    name: "differs",
    world: { "/etc/systemd/system/a.service": "# tunnelc-hash: sha256:00\nold\n" },
    exitCode: true,
    exit: 4,
    out: /^-old$/m,
  },
  {
    name: "a file tunnelc did not write is not shown",
    world: { "/etc/systemd/system/a.service": "SECRET-7f3\n" },
    exitCode: true,
    exit: 4,
    out: /^--- \S+ \(installed: not a tunnelc unit, not shown\)(?![^]*SECRET-7f3)/m,
  },
  {
    name: "differs, without --exit-code",
    world: { "/etc/systemd/system/a.service": "old\n" },
    exitCode: false,
    exit: 0,
    out: /^\+\[Unit\]$/m,
  },
].map((c) => ({ ...c, world: { files: { ...c.world, [SPEC]: specText(["a"]) } } }));

for (const c of DIFF) {
  test(`diff on facts: ${c.name}`, () => {
    const out = runDiff(
      { specs: [SPEC], user: false, json: false, exitCode: c.exitCode },
      edgeOf({ gatherer: fakeGatherer(c.world) }),
    );
    assert.equal(out.exitCode, c.exit);
    assert.match(out.stdout, c.out);
  });
}

const MACHINE: World["probes"] = {
  "systemctl --version": { status: 0, out: "systemd 252 (252.38-1~deb12u1)\n" },
  "ssh -V": { status: 0, out: "OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.15\n" },
  "/usr/bin/ssh -V": { status: 0, out: "OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.15\n" },
};
const machine = (world: World = {}): World => ({
  ...world,
  files: { "/etc/os-release": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n', ...world.files },
  exists: ["/run/systemd/system", "/usr/bin/sed", ...(world.exists ?? [])],
  probes: { ...MACHINE, ...world.probes },
});

const DOCTOR: { name: string; spec?: object; world: World; exit: number; lines: RegExp[] }[] = [
  {
    name: "a good machine",
    world: machine({ files: { "/etc/nsswitch.conf": "passwd: files systemd\n" } }),
    exit: 0,
    lines: [
      /^✓ systemd: systemd 252, running$/m,
      /^✓ ssh: OpenSSH 9\.2 at ssh$/m,
      /^✓ distro: Debian GNU\/Linux 12 \(bookworm\)$/m,
      /^✓ nss-systemd: present/m,
    ],
  },
  {
    name: "no systemd, an old ssh, no os-release, no nss-systemd",
    world: {
      files: { "/etc/nsswitch.conf": "passwd: files\n" },
      probes: { "ssh -V": { status: 0, out: "OpenSSH_7.4p1" } },
    },
    exit: 1,
    lines: [
      /^✗ systemd: systemctl not found\n {4}hint: tunnelc needs a systemd machine$/m,
      /^✗ ssh: OpenSSH 7\.4 at ssh$/m,
      /^✓ distro: \/etc\/os-release not found$/m,
      /^✗ nss-systemd: missing/m,
    ],
  },
  {
    name: "installed but not booted with systemd",
    world: machine({
      probes: { "systemctl is-system-running": { status: 1, out: "offline\n" } },
    }),
    exit: 1,
    lines: [/^✗ systemd: systemd 252 is installed but not running as the service manager/m],
  },
  {
    name: "second round: the host is known in the account's own known_hosts",
    spec: { user: "tunnel", forwards: [{ remote: 2000, to: "localhost:22" }] },
    world: machine({
      modes: { "/etc/tunnelc/keys/a": 0o600 },
      exists: ["/etc/tunnelc/keys/a"],
      probes: {
        "getent passwd tunnel": { status: 0, out: "tunnel:x:998:998::/var/lib/tunnel:/bin/sh\n" },
        "ssh-keygen -F relay.example.net -f /var/lib/tunnel/.ssh/known_hosts": {
          status: 0,
          out: "",
        },
      },
    }),
    exit: 0,
    lines: [
      /^✓ a: identity: \/etc\/tunnelc\/keys\/a is private to its owner$/m,
      /^✓ a: host key: relay\.example\.net is known in \/var\/lib\/tunnel\/\.ssh\/known_hosts$/m,
      /^✓ a: account: tunnel exists$/m,
    ],
  },
  {
    name: "a relay tunnel where /usr/bin/sed is missing (no merged /usr): the journal copy fails",
    spec: { user: "tunnel", hostKeyPolicy: "accept-new" },
    world: {
      ...machine({
        modes: { "/etc/tunnelc/keys/a": 0o600 },
        probes: { "getent passwd tunnel": { status: 0, out: "tunnel:x:998:998::/:/bin/sh\n" } },
      }),
      exists: ["/run/systemd/system", "/etc/tunnelc/keys/a"],
    },
    exit: 1,
    lines: [
      /^✗ sed: \/usr\/bin\/sed not found: the journal will not get ssh's lines/m,
      /^ {4}hint: install sed \(Debian: apt install sed\), or on a system without merged \/usr: ln -s \/bin\/sed \/usr\/bin\/sed$/m,
    ],
  },
  {
    name: "second round: a busy port held by the tunnel itself passes, a privileged one too",
    spec: {
      user: "tunnel",
      hostKeyPolicy: "accept-new",
      forwards: [{ local: 5432, to: "db:5432" }, { dynamic: 80 }],
    },
    world: machine({
      modes: { "/etc/tunnelc/keys/a": 0o640 },
      exists: ["/etc/tunnelc/keys/a"],
      busy: { "127.0.0.1:5432": "EADDRINUSE", "127.0.0.1:80": "EACCES" },
      probes: { "systemctl is-active a.service": { status: 0, out: "active\n" } },
    }),
    exit: 1,
    lines: [
      /^✗ a: identity: .*readable by its group.*\n {4}hint: chmod 600 \/etc\/tunnelc\/keys\/a && chown root:root/m,
      /^✓ a: port 5432: 127\.0\.0\.1:5432 is held by a\.service itself$/m,
      /^✓ a: port 80: 127\.0\.0\.1:80 is privileged/m,
      /^✗ a: account: no local account tunnel$/m,
    ],
  },
];

for (const c of DOCTOR) {
  test(`doctor on facts: ${c.name}`, async () => {
    const files: Record<string, string> = c.spec ? { [SPEC]: specText(["a"], c.spec) } : {};
    const world = { ...c.world, files: { ...c.world.files, ...files } };
    const out = await runDoctor(
      { specs: c.spec ? [SPEC] : [], user: false, json: false },
      edgeOf({ gatherer: fakeGatherer(world) }),
    );
    for (const line of c.lines) assert.match(out.stdout, line);
    assert.equal(out.exitCode, c.exit, out.stdout);
  });
}

test("the edge's gatherer binds a port asked twice once: a free port is free for both askers", async () => {
  const { createServer } = await import("node:net");
  const probe = createServer();
  const port = await new Promise<number>((resolve) =>
    probe.listen(0, "127.0.0.1", () => resolve((probe.address() as { port: number }).port)),
  );
  await new Promise((resolve) => probe.close(resolve));
  const q = { kind: "port", host: "127.0.0.1", port } as const;
  const facts = await gathererFor().gatherAsync([q, { ...q }]);
  assert.deepEqual(facts.get(q), {});
});
