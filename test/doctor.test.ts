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
import { doctorChecks, doctorQueries, followUpQueries } from "../src/doctor/checks.ts";
import { Facts, type Query } from "../src/edge/query.ts";
import { generatorScript } from "../src/generator/script.ts";

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

// The installed generator (src/doctor/checks.ts checkGenerator): facts as the gatherer would
// answer them, through doctor's own two rounds of queries.
const answerOf: Record<string, unknown> = {
  probe: { status: 127, out: "" },
  file: {},
  exists: false,
  mode: { error: "ENOENT" },
};
function generatorLines(
  files: Record<string, string | readonly [string, number]>,
  modes: Record<string, number>,
  user = false,
) {
  const input = { model: { tunnels: [] }, user, specFile: () => "SPEC" };
  const answer = (q: Query): [Query, unknown] => {
    const f = q.kind === "file" ? files[q.path] : undefined;
    if (f !== undefined)
      return [q, typeof f === "string" ? { text: f, mode: 0o755 } : { text: f[0], mode: f[1] }];
    if (q.kind === "mode" && modes[q.path] !== undefined) return [q, { mode: modes[q.path] }];
    return [q, answerOf[q.kind]];
  };
  const first = new Facts(doctorQueries(input).map(answer));
  const facts = first.with(new Facts(followUpQueries(input, first).map(answer)));
  return doctorChecks(input, facts)
    .filter((c) => c.code === "doctor/generator")
    .map((c) => `${c.ok ? "ok" : "FAILED"} ${c.name}: ${c.detail}${c.ok ? "" : ` | ${c.hint}`}`);
}

test("doctor: the installed generator's node and tunnelc, which the next boot needs", () => {
  const etc = "/etc/systemd/system-generators/tunnelc-generator";
  const run = "/run/systemd/system-generators/tunnelc-generator";
  const lib = "/usr/lib/systemd/system-generators/tunnelc-generator";
  const script = (node: string, bundle: string, user = false) =>
    generatorScript({ node, bundle, user });
  const earlierSh = [
    "#!/bin/sh",
    "# tunnelc-generator: written by tunnelc generator install (docs/generator.md).",
    "node='/opt/it'\\''s/node'",
    "bundle='/opt/t/bin/tunnelc.cjs'",
    "",
  ].join("\n");
  const node = "/usr/bin/node";
  const bundle = "/usr/share/nodejs/tunnelc/bin/tunnelc.cjs";
  const both = { [node]: 0o755, [bundle]: 0o644 };
  for (const [files, modes, expected, user] of [
    [{}, both, []],
    [{ [lib]: script(node, bundle) }, both, [`ok generator: ${lib} runs ${bundle} with ${node}`]],
    [
      { [lib]: script(node, bundle) },
      { [bundle]: 0o644 },
      [
        `FAILED generator: ${lib}: ${node}, its node, is not there: the next boot and daemon-reload generate no tunnel units | reinstall the package that ships it`,
      ],
    ],
    [
      { [etc]: script("/root/.nvm/v20/bin/node", bundle), [lib]: script(node, bundle) },
      both,
      [
        `FAILED generator: ${etc}: /root/.nvm/v20/bin/node, its node, is not there: the next boot and daemon-reload generate no tunnel units | tunnelc generator install (it records the node and the tunnelc that run it)`,
      ],
    ],
    [
      { [lib]: script(node, bundle) },
      { [node]: 0o644, [bundle]: 0o644 },
      [
        `FAILED generator: ${lib}: ${node}, its node, is not executable: the next boot and daemon-reload generate no tunnel units | reinstall the package that ships it`,
      ],
    ],
    [
      { [etc]: script(node, "/gone/tunnelc.cjs") },
      both,
      [
        `FAILED generator: ${etc}: /gone/tunnelc.cjs, the tunnelc it runs, is not there: the next boot and daemon-reload generate no tunnel units | tunnelc generator install (it records the node and the tunnelc that run it)`,
      ],
    ],
    [
      { [etc]: "", [lib]: script(node, bundle) },
      both,
      [`ok generator: ${etc} is masked: systemd runs none`],
    ],
    [
      { [lib]: "#!/bin/sh\nexit 0\n" },
      both,
      [`ok generator: ${lib} was not written by tunnelc: not checked`],
    ],
    [
      { [etc]: earlierSh },
      { "/opt/it's/node": 0o755, "/opt/t/bin/tunnelc.cjs": 0o644 },
      [`ok generator: ${etc} runs /opt/t/bin/tunnelc.cjs with /opt/it's/node`],
    ],
    // Not executable: systemd passes over it to the next of the name, and so does doctor.
    [
      { [etc]: [script("/gone/node", bundle), 0o644], [lib]: script(node, bundle) },
      both,
      [`ok generator: ${lib} runs ${bundle} with ${node}`],
    ],
    [
      { [run]: script(node, "/gone.cjs"), [etc]: script(node, bundle) },
      both,
      [
        `FAILED generator: ${run}: /gone.cjs, the tunnelc it runs, is not there: the next boot and daemon-reload generate no tunnel units | remove ${run}: it overrides the one in /etc and /usr/lib`,
      ],
    ],
    [
      { "/etc/systemd/user-generators/tunnelc-generator": script(node, "/gone", true) },
      both,
      [
        "FAILED user generator: /etc/systemd/user-generators/tunnelc-generator: /gone, the tunnelc it runs, is not there: the next boot and daemon-reload generate no tunnel units | tunnelc generator install --user (it records the node and the tunnelc that run it)",
      ],
      true,
    ],
  ] as const) {
    assert.deepEqual(generatorLines(files, modes, user), expected, JSON.stringify(files));
  }
});
