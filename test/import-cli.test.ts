// tunnelc import through the built CLI: templates with several instances into one fleet,
// systemctl cat on stdin, -o, --json, and the located errors of a unit import.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tunnelc } from "./helpers/run-cli.ts";
import { hasTool, needs } from "./helpers/prereq.ts";

const TEMPLATE = [
  "[Unit]",
  "Description=Tunnel %I",
  "",
  "[Service]",
  "User=pi",
  "EnvironmentFile=/etc/default/tun@%i",
  "ExecStart=/usr/bin/ssh -N -o ExitOnForwardFailure=yes -R ${PORT}:localhost:22 tunnel@relay.example.net",
  "Restart=on-failure",
  "",
].join("\n");

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "tunnelc-import-cli-"));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a template's instances, into one fleet spec", (t) => {
  if (!needs(t, "ssh (OpenSSH's ssh -G)", hasTool("ssh", ["-V"]))) return;
  withDir((dir) => {
    writeFileSync(join(dir, "tun@.service"), TEMPLATE);
    mkdirSync(join(dir, "root/etc/default"), { recursive: true });
    writeFileSync(join(dir, "root/etc/default/tun@home"), "PORT=2222\n");
    writeFileSync(join(dir, "root/etc/default/tun@office"), "PORT=2223\n");
    const args = ["import", "tun@.service", "--instance", "home", "--instance", "office"];
    const r = tunnelc([...args, "--root", "root", "-o", "fleet.json"], { cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    const fleet = JSON.parse(readFileSync(join(dir, "fleet.json"), "utf8")) as {
      tunnels: { name: string; description: string; forwards: unknown[]; user: string }[];
    };
    assert.deepEqual(
      fleet.tunnels.map((x) => [x.name, x.description, x.user, x.forwards]),
      [
        ["tun-home", "Tunnel home", "pi", [{ remote: 2222, to: 22 }]],
        ["tun-office", "Tunnel office", "pi", [{ remote: 2223, to: 22 }]],
      ],
    );
    // The spec it wrote is one tunnelc takes.
    assert.equal(tunnelc(["validate", "fleet.json"], { cwd: dir }).status, 0);
    // -o never overwrites.
    const again = tunnelc([...args, "--root", "root", "-o", "fleet.json"], { cwd: dir });
    assert.equal(again.status, 2);
    assert.match(again.stderr, /the file exists/);
    // A template without its instance, and an instance for a plain unit, are usage errors.
    assert.match(tunnelc(["import", "tun@.service"], { cwd: dir }).stderr, /--instance NAME/);
    // Without --root the environment file is not there: located, exit 1, nothing written.
    const missing = tunnelc(["import", "tun@.service", "--instance", "x", "--json"], { cwd: dir });
    assert.equal(missing.status, 1);
    const env = JSON.parse(missing.stdout) as { diagnostics: { line: number; message: string }[] };
    assert.equal(env.diagnostics[0]?.line, 6);
    assert.match(env.diagnostics[0]?.message ?? "", /EnvironmentFile=\/etc\/default\/tun@x/);
  });
});

test("systemctl cat on stdin: the drop-in's ExecStart= wins", (t) => {
  if (!needs(t, "ssh (OpenSSH's ssh -G)", hasTool("ssh", ["-V"]))) return;
  const cat = [
    "# /etc/systemd/system/tunnel.service",
    "[Service]",
    "User=pi",
    "ExecStart=/usr/bin/ssh -N -R 2222:localhost:22 tunnel@relay.example.net",
    "",
    "# /etc/systemd/system/tunnel.service.d/override.conf",
    "[Service]",
    "ExecStart=",
    "ExecStart=/usr/bin/ssh -N -R 3333:localhost:22 tunnel@relay.example.net",
    "RestartSec=500ms",
    "",
  ].join("\n");
  const r = tunnelc(["import", "-", "--json"], { input: cat });
  assert.equal(r.status, 0, r.stderr);
  const env = JSON.parse(r.stdout) as {
    spec: { name: string; forwards: unknown[]; restart: unknown };
    changes: { what: string; file: string; line: number }[];
  };
  assert.equal(env.spec.name, "tunnel");
  assert.deepEqual(env.spec.forwards, [{ remote: 3333, to: 22 }]);
  assert.deepEqual(env.spec.restart, { delaySec: 1 });
  const rounded = env.changes.find((c) => c.what === "RestartSec=500ms");
  assert.equal(rounded?.file, "/etc/systemd/system/tunnel.service.d/override.conf");
  assert.equal(rounded?.line, 10);
});

test("a unit's problems name the file, line and column", (t) => {
  if (!needs(t, "ssh (OpenSSH's ssh -G)", hasTool("ssh", ["-V"]))) return;
  withDir((dir) => {
    const cases: [string, RegExp, number, number][] = [
      ["ExecStart=/usr/bin/ssh -N -R 1:a:2 %H", /%H is not one import expands/, 2, 36],
      ["ExecStart=/bin/sh -c 'ssh -N -R 1:a:2 h'", /not ssh, autossh or sshpass/, 2, 11],
      ["ExecStart=/usr/bin/ssh -N -R 1:a:2 h\nExecStart=/bin/true", /2 ExecStart= lines/, 2, 11],
      ["ExecStart=/usr/bin/ssh -N -o ProxyCommand=nc -R 1:a:2 h", /runs a command/, 2, 27],
    ];
    for (const [service, want, line, column] of cases) {
      writeFileSync(join(dir, "t.service"), `[Service]\n${service}\n`);
      const r = tunnelc(["import", "t.service"], { cwd: dir });
      assert.equal(r.status, 1, service);
      assert.match(r.stderr, want, service);
      assert.match(r.stderr, new RegExp(`^t\\.service:${line}:${column}: `, "m"), r.stderr);
      assert.ok(!existsSync(join(dir, "t.json")));
    }
  });
});
