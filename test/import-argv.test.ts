// The ssh side of import as tables: ssh's getopt, ssh -G's forward lines, the programs around
// ssh (autossh, sshpass, env), and whole command lines through the built CLI with the real ssh -G.
import { test } from "node:test";
import assert from "node:assert/strict";
import { scanSsh, withoutOptions } from "../src/import/ssh-getopt.ts";
import { readForward } from "../src/import/forward-lines.ts";
import { unwrapProgram } from "../src/import/program.ts";
import { tunnelc } from "./helpers/run-cli.ts";
import { hasTool, needs } from "./helpers/prereq.ts";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

test("ssh's getopt: groups, attached values, options after the destination, --, the command", () => {
  const cases: [string[], { opts: string; dest?: string; command?: string }][] = [
    [["-fNT", "-R", "2222:localhost:22", "h"], { opts: "f N T R=2222:localhost:22", dest: "h" }],
    [["-p2022", "h", "-N", "-L", "1:a:2"], { opts: "p=2022 N L=1:a:2", dest: "h" }],
    [["-N", "h", "echo", "-p", "5"], { opts: "N", dest: "h", command: "echo -p 5" }],
    [["-N", "--", "h", "-p", "5"], { opts: "N", dest: "h", command: "-p 5" }],
    [["-o", "User=x", "-ii", "h"], { opts: "o=User=x i=i", dest: "h" }],
    [["-Cq", "-E", "log", "u@h"], { opts: "C q E=log", dest: "u@h" }],
  ];
  for (const [argv, want] of cases) {
    const s = scanSsh(argv);
    const opts = s.options.map((o) => (o.value !== undefined ? `${o.flag}=${o.value}` : o.flag));
    assert.equal(opts.join(" "), want.opts, argv.join(" "));
    assert.equal(s.destination?.text, want.dest, argv.join(" "));
    assert.equal(s.command?.words.join(" "), want.command, argv.join(" "));
    assert.deepEqual(s.problems, [], argv.join(" "));
  }
  assert.match(scanSsh(["-Z", "h"]).problems[0]?.message ?? "", /no option -Z/);
  assert.match(scanSsh(["h", "-p"]).problems[0]?.message ?? "", /-p needs an argument/);
});

test("withoutOptions takes out one letter of a group and a value in the next word", () => {
  const argv = ["-fNi", "key", "-E", "log", "-R", "1:a:2", "h"];
  const s = scanSsh(argv);
  assert.deepEqual(
    withoutOptions(argv, s, (o) => ["i", "E"].includes(o.flag)),
    ["-f", "-N", "-R", "1:a:2", "h"],
  );
});

test("ssh -G's forward lines become the spec's forwards, or say why not", () => {
  const ok: [Parameters<typeof readForward>, unknown][] = [
    [["remote", "2222 [localhost]:22"], { remote: 2222, to: 22 }],
    [["remote", "[0.0.0.0]:8080 [localhost]:80"], { remote: "0.0.0.0:8080", to: 80 }],
    [["remote", "[::1]:9000 [2001:db8::5]:22"], { remote: "[::1]:9000", to: "[2001:db8::5]:22" }],
    [["remote", "/run/a.sock [localhost]:22"], { remote: "/run/a.sock", to: 22 }],
    [["local", "[*]:5432 [db]:5432"], { local: "*:5432", to: "db:5432" }],
    [["local", "/tmp/l.sock /run/x.sock"], { local: "/tmp/l.sock", to: "/run/x.sock" }],
    [["local", "8080 [127.0.0.1]:80"], { local: 8080, to: "127.0.0.1:80" }],
    [["dynamic", "[::1]:1081"], { dynamic: "[::1]:1081" }],
    [["dynamic", "1080"], { dynamic: 1080 }],
  ];
  for (const [args, want] of ok)
    assert.deepEqual(readForward(...args), { ok: true, forward: want });
  const bad: [Parameters<typeof readForward>, RegExp][] = [
    [["remote", "0 [localhost]:22"], /-R 0 lets the server choose/],
    [["remote", "1080 [socks]:0"], /SOCKS proxy/],
    [["local", "[127.0.0.1]:0 [a]:1"], /port 0/],
  ];
  for (const [args, want] of bad) {
    const r = readForward(...args);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.message, want);
  }
});

test("autossh, sshpass and env are taken off ssh's words, each reported", () => {
  const a = unwrapProgram(
    ["AUTOSSH_GATETIME=0", "/usr/bin/autossh", "-M", "0", "-fN", "-R", "1:a:2", "h"],
    { AUTOSSH_POLL: "30" },
  );
  assert.deepEqual(a.args, ["-N", "-R", "1:a:2", "h"]);
  assert.deepEqual(a.origin, [4, 5, 6, 7]);
  assert.deepEqual(
    a.notes.map((n) => `${n.kind} ${n.what}`),
    [
      "changed autossh",
      "dropped AUTOSSH_POLL=30",
      "dropped AUTOSSH_GATETIME=0",
      "dropped autossh -M 0",
      "dropped autossh -f",
    ],
  );
  const p = unwrapProgram(["sshpass", "-p", "secret", "ssh", "-N", "-R", "1:a:2", "h"], {});
  assert.deepEqual(p.args, ["-N", "-R", "1:a:2", "h"]);
  assert.equal(p.password, true);
  assert.ok(!JSON.stringify(p.notes).includes("secret"), "the password is never repeated");
  const e = unwrapProgram(["/usr/bin/env", "AUTOSSH_PATH=/opt/ssh", "autossh", "-N", "h"], {});
  assert.equal(e.sshPath, "/opt/ssh");
  assert.match(unwrapProgram(["/bin/sh", "-c", "ssh h"], {}).problems[0]?.message ?? "", /not ssh/);
});

interface Imported {
  ok: boolean;
  spec?: Record<string, unknown>;
  changes?: { kind: string; what: string; keys: string[] }[];
  diagnostics: { code: string; message: string; column: number | null }[];
}

const importJson = (args: string[]): Imported => {
  const r = tunnelc(["import", "--json", ...args]);
  return JSON.parse(r.stdout) as Imported;
};

test("command lines through the CLI: the spec, and every change it reports", (t) => {
  if (!needs(t, "ssh (OpenSSH's ssh -G)", hasTool("ssh", ["-V"]))) return;
  const a = importJson([
    "--",
    "autossh",
    "-M",
    "0",
    "-N",
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "ServerAliveInterval=30",
    "-i",
    "/etc/keys/home",
    "-p",
    "2200",
    "-R",
    "[::1]:2222:localhost:22",
    "tunnel@relay.example.net",
  ]);
  assert.equal(a.ok, true, JSON.stringify(a.diagnostics));
  assert.deepEqual(a.spec, {
    name: "relay.example.net",
    server: { host: "relay.example.net", port: 2200, user: "tunnel" },
    identity: "/etc/keys/home",
    forwards: [{ remote: "[::1]:2222", to: 22 }],
    keepAlive: { interval: 30, countMax: 3 },
    compression: false,
    hostKeyPolicy: "accept-new",
  });
  const said = (a.changes ?? []).map((c) => `${c.kind} ${c.what}`);
  for (const want of [
    "changed StrictHostKeyChecking no",
    "changed UserKnownHostsFile /dev/null",
    "added BatchMode yes",
    "added ExitOnForwardFailure yes",
    "dropped autossh -M 0",
  ])
    assert.ok(said.includes(want), `${want} in ${said.join(", ")}`);

  const refused: [string[], RegExp, number][] = [
    [["ssh", "-N", "-R", "0:localhost:22", "u@h"], /-R 0 lets the server choose/, 8],
    [["ssh", "-R", "2222:localhost:22", "u@h", "sleep", "1d"], /a remote command \(sleep 1d\)/, 30],
    [["ssh", "-N", "-o", "ProxyCommand=nc %h %p", "-R", "1:a:2", "u@h"], /runs a command/, 8],
    [["ssh", "-N", "-W", "h:22", "u@h"], /-W forwards standard input/, 8],
    [["ssh", "-N", "u@h"], /no forward/, 8],
    [["bash", "-c", "ssh -N -R 1:a:2 u@h"], /not ssh, autossh or sshpass/, 1],
  ];
  for (const [argv, want, column] of refused) {
    const r = importJson(["--", ...argv]);
    assert.equal(r.ok, false, argv.join(" "));
    const d = r.diagnostics.find((x) => want.test(x.message));
    assert.ok(d, `${argv.join(" ")}: ${JSON.stringify(r.diagnostics)}`);
    assert.equal(d.code, "import/cannot-express");
    assert.equal(d.column, column, argv.join(" "));
  }
});

test("usage: the three forms do not mix, and other commands refuse words after --", () => {
  const cases: [string[], RegExp][] = [
    [["import"], /name what to import/],
    [["import", "a.service", "b.service"], /one unit file at a time/],
    [["import", "--ssh-config", "c"], /go together/],
    [["import", "--ssh-config", "c", "--host", "h", "x.service"], /give no unit file/],
    [["import", "--instance", "a", "--", "ssh", "h"], /--instance is for a template unit/],
    [["import", "--name", "a b", "--", "ssh", "h"], /--name: "a b" is not a tunnel name/],
    [["validate", "x.json", "--", "y"], /unexpected words after "--": y/],
  ];
  for (const [args, want] of cases) {
    const r = tunnelc(args);
    assert.equal(r.status, 2, args.join(" "));
    assert.match(r.stderr, want, args.join(" "));
  }
});

test("an ssh_config Host block, with what it inherits from Host *", (t) => {
  if (!needs(t, "ssh (OpenSSH's ssh -G)", hasTool("ssh", ["-V"]))) return;
  const dir = mkdtempSync(join(tmpdir(), "tunnelc-import-config-"));
  try {
    const config = join(dir, "config");
    writeFileSync(
      config,
      [
        "Host *",
        "    ServerAliveInterval 60",
        "    ControlMaster auto",
        "    ForwardAgent yes",
        "",
        "Host tunnel",
        "    HostName relay.example.net",
        "    User pi",
        "    Port 2222",
        "    IdentityFile /home/pi/.ssh/id_tunnel",
        "    RemoteForward 2222 localhost:22",
        "    DynamicForward 127.0.0.1:1080",
        "    Compression yes",
        "",
      ].join("\n"),
      { mode: 0o600 },
    );
    const r = importJson(["--ssh-config", config, "--host", "tunnel", "--user", "pi"]);
    assert.equal(r.ok, true, JSON.stringify(r.diagnostics));
    assert.deepEqual(r.spec, {
      name: "tunnel",
      server: { host: "relay.example.net", port: 2222, user: "pi" },
      user: "pi",
      identity: "/home/pi/.ssh/id_tunnel",
      forwards: [{ remote: 2222, to: 22 }, { dynamic: "127.0.0.1:1080" }],
      keepAlive: { interval: 60, countMax: 3 },
    });
    const said = (r.changes ?? []).map((c) => `${c.kind} ${c.what}`);
    assert.ok(said.includes("dropped ControlMaster auto"), said.join(", "));
    assert.ok(said.includes("dropped ForwardAgent yes"), said.join(", "));
    const lines = (r.changes ?? []) as unknown as { what: string; line: number }[];
    assert.equal(lines.find((c) => c.what === "ControlMaster auto")?.line, 3);
    const bad = importJson(["--ssh-config", config, "--host", "nosuch"]);
    assert.equal(bad.ok, false);
    assert.ok(
      bad.diagnostics.some((d) => /no forward/.test(d.message)),
      JSON.stringify(bad.diagnostics),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
