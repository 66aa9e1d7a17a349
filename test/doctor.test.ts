// tunnelc doctor with a recorded runner and real files and sockets; the e2e suite runs it for real.
import { edgeOf } from "../src/edge/edge.ts";
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { mkdtempSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runDoctor } from "../src/commands/doctor.ts";
import { atLeast, opensshVersion, systemdVersion } from "../src/model/versions.ts";
import type { Runner } from "../src/edge/systemctl.ts";

const OUTPUTS: Record<string, { status: number; stdout: string; stderr: string }> = {
  systemctl: { status: 0, stdout: "systemd 252 (252.38-1~deb12u1)\n+PAM +AUDIT\n", stderr: "" },
  ssh: { status: 0, stdout: "", stderr: "OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.15\n" },
};

function runner(
  overrides: Record<string, { status: number; stdout: string; stderr: string }> = {},
): Runner {
  return {
    run(argv) {
      const key = argv[0] === "/usr/bin/ssh" ? "ssh" : argv[0]!;
      const hit = overrides[`${key} ${argv[1] ?? ""}`.trim()] ?? overrides[key] ?? OUTPUTS[key];
      return hit ?? { status: 1, stdout: "", stderr: "" };
    },
  };
}

test("version strings", () => {
  assert.equal(systemdVersion("systemd 252 (252.38-1~deb12u1)"), 252);
  assert.deepEqual(opensshVersion("OpenSSH_9.2p1 Debian"), [9, 2]);
  assert.ok(atLeast([7, 8], [7, 8]) && !atLeast([7, 7], [7, 8]) && atLeast([8, 0], [7, 8]));
});

function spec(text: object) {
  const dir = mkdtempSync(join(tmpdir(), "tunnelc-doctor-"));
  const f = join(dir, "s.json");
  writeFileSync(f, JSON.stringify(text));
  return { f, dir };
}

test("a machine without systemd or a new enough ssh fails, with hints", async () => {
  const out = await runDoctor(
    { user: false, json: true },
    edgeOf({
      runner: runner({
        systemctl: { status: 127, stdout: "", stderr: "" },
        ssh: { status: 0, stdout: "", stderr: "OpenSSH_7.4p1" },
      }),
    }),
  );
  const report = JSON.parse(out.stdout) as {
    ok: boolean;
    checks: { name: string; ok: boolean; hint?: string }[];
  };
  assert.equal(out.exitCode, 1);
  assert.equal(report.ok, false);
  const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
  assert.equal(byName.systemd!.ok, false);
  assert.equal(byName.ssh!.ok, false);
  assert.match(byName.ssh!.hint ?? "", /OpenSSH 7\.8/);
  assert.equal(byName.distro!.ok, true);
});

test("a good tunnel: key private, host pinned, port free → exit 0", async () => {
  const { f, dir } = spec({});
  const key = join(dir, "id");
  writeFileSync(key, "k");
  chmodSync(key, 0o600);
  const port = 20000 + (process.pid % 20000);
  writeFileSync(
    f,
    JSON.stringify({
      name: "good",
      identity: key,
      server: {
        host: "h",
        hostKeys: [
          "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICrEM716nxe4LfvKB6vD0AJ/7XlaayCe0GE1zFcdYHA3",
        ],
      },
      forwards: [{ local: port, to: "db:5432" }],
    }),
  );
  const out = await runDoctor(
    { specs: [f], user: false, json: false },
    edgeOf({ runner: runner() }),
  );
  assert.match(out.stdout, /^✓ good: identity: /m);
  assert.match(out.stdout, /^✓ good: host key: 1 key\(s\) pinned/m);
  assert.match(
    out.stdout,
    new RegExp(`^✓ good: port ${port}: 127\\.0\\.0\\.1:${port} is free`, "m"),
  );
});

test("a busy port, a loose key, an unknown host and a missing account each fail", async () => {
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, "127.0.0.1", () => r()));
  const port = (busy.address() as { port: number }).port;
  const { f, dir } = spec({});
  const key = join(dir, "id");
  writeFileSync(key, "k");
  chmodSync(key, 0o644);
  writeFileSync(
    f,
    JSON.stringify({
      name: "bad",
      user: "nosuchaccount",
      identity: key,
      server: { host: "h" },
      forwards: [{ local: port, to: "db:5432" }],
    }),
  );
  const out = await runDoctor(
    { specs: [f], user: false, json: false },
    edgeOf({ runner: runner() }),
  );
  busy.close();
  assert.equal(out.exitCode, 1);
  for (const line of [
    /^✗ bad: identity: .*readable by everyone/m,
    /^✗ bad: host key: h is in none of/m,
    /^✗ bad: account: no local account nosuchaccount/m,
    new RegExp(`^✗ bad: port ${port}: 127\\.0\\.0\\.1:${port}: EADDRINUSE`, "m"),
  ]) {
    assert.match(out.stdout, line);
  }
  // --json: each failed check is a diagnostic of its own code.
  const busy2 = createServer();
  await new Promise<void>((r) => busy2.listen(port, "127.0.0.1", () => r()));
  const json = await runDoctor(
    { specs: [f], user: false, json: true },
    edgeOf({ runner: runner() }),
  );
  busy2.close();
  const codes = (JSON.parse(json.stdout) as { diagnostics: { code: string }[] }).diagnostics.map(
    (d) => d.code,
  );
  for (const code of ["doctor/identity", "doctor/host-key", "doctor/account", "doctor/port"])
    assert.ok(codes.includes(code), `${code} in ${codes.join(", ")}`);
  assert.ok(!codes.includes("doctor/failed"));
  // Hints name the spec as it was given and a command that fixes the problem.
  assert.match(out.stdout, new RegExp(`^ {4}hint: pin it in the spec: tunnelc trust ${f}$`, "m"));
  assert.match(
    out.stdout,
    new RegExp(`^ {4}hint: chmod 600 ${key} && chown root:root ${key}$`, "m"),
  );
});

test("systemd installed but not the running manager fails, with the reason (the question install asks)", async () => {
  const running = { status: 0, stdout: "running\n", stderr: "" };
  const offline = { status: 1, stdout: "offline\n", stderr: "" };
  const cases: [typeof running, RegExp, number][] = [
    [running, /^✓ systemd: systemd 252, running$/m, 0],
    [
      offline,
      /^✗ systemd: systemd 252 is installed but not running as the service manager \(systemctl is-system-running: offline\)\n {4}hint: boot this machine .* tunnelc install --root DIR$/m,
      1,
    ],
  ];
  for (const [state, line, exit] of cases) {
    const edge = edgeOf({ runner: runner({ "systemctl is-system-running": state }) });
    const out = await runDoctor({ user: false, json: false }, edge);
    assert.match(out.stdout, line);
    assert.equal(out.exitCode, exit, out.stdout);
  }
});

test("a missing key's hint is the command that creates it, directory and all", async () => {
  const { f, dir } = spec({});
  const key = join(dir, "keys", "home");
  writeFileSync(
    f,
    JSON.stringify({
      name: "home",
      identity: key,
      server: { host: "h" },
      forwards: [{ dynamic: 1080 }],
    }),
  );
  const out = await runDoctor(
    { specs: [f], user: false, json: false },
    edgeOf({ runner: runner() }),
  );
  assert.match(out.stdout, /^✗ home: identity: identity .* does not exist/m);
  assert.ok(
    out.stdout.includes(
      `    hint: create it (as root): mkdir -p -m 0700 ${dirname(key)} && ssh-keygen -t ed25519 -N "" -f ${key}\n`,
    ),
  );
});

test("a tunnel that backs off (restart.maxDelaySec): failed on systemd 252, which ignores RestartSteps=; passed on 257; not asked otherwise", async () => {
  const { f, dir } = spec({});
  const key = join(dir, "id");
  writeFileSync(key, "k");
  chmodSync(key, 0o600);
  const tunnel = (restart: object) => ({
    name: "bo",
    identity: key,
    server: "relay@192.0.2.1",
    restart,
    forwards: [{ remote: 2222, to: "localhost:22" }],
  });
  const backoff = async (restart: object, systemctl?: string) => {
    writeFileSync(f, JSON.stringify(tunnel(restart)));
    const out = await runDoctor(
      { specs: [f], user: false, json: true },
      edgeOf({
        runner: runner(
          systemctl === undefined
            ? {}
            : { systemctl: { status: 0, stdout: systemctl, stderr: "" } },
        ),
      }),
    );
    const report = JSON.parse(out.stdout) as {
      checks: { name: string; ok: boolean; detail: string; hint?: string }[];
    };
    return report.checks.find((c) => c.name === "back-off");
  };
  const old = await backoff({ maxDelaySec: 30 });
  assert.equal(old?.ok, false);
  assert.match(
    old.detail,
    /systemd 252 does not know RestartSteps= \(restart\.maxDelaySec of bo\)/,
  );
  assert.match(old.hint ?? "", /drop restart\.maxDelaySec, or run systemd 254/);
  const newer = await backoff({ maxDelaySec: 30 }, "systemd 257 (257.13-1~deb13u1)\n");
  assert.equal(newer?.ok, true);
  assert.equal(await backoff({ delaySec: 7 }), undefined);
});
