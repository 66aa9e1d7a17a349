// The hand-over (src/render/handover.ts): the unit's StandardInputText= lines and ExecStartPre=
// commands, run here with the real programs (install, sed) on a temporary directory standing in for
// %t, must write exactly the files ssh reads. systemd's part, resolving "%%" and C escapes in each
// StandardInputText= line and appending a newline (systemd.exec(5)), is done as it describes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileSpecs } from "../src/render/units.ts";
import { handedTexts } from "../src/render/build-unit.ts";
import {
  HANDOVER,
  handoverCommands,
  knownHostsLines,
  runtimeDirectory,
  tagged,
} from "../src/render/handover.ts";
import { sshConfigLines } from "../src/render/ssh-settings.ts";
import { expandWords } from "../src/unit/command-line.ts";
import type { Tunnel } from "../src/model/tunnel.ts";

const ED = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB3M4Oqbn2dFDWSkt4XbdfM2Jiqj3wmy5zFGgvnm4zL3";

function compileOne(spec: object): { text: string; tunnel: Tunnel } {
  const r = compileSpecs([{ file: "s.json", text: JSON.stringify(spec) }]);
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  const u = r.units[0]!;
  return { text: u.text, tunnel: r.model.tunnels[0]!.tunnel };
}

/** What systemd feeds the unit's processes on stdin: each line unescaped, then "\n". */
function stdinData(unitText: string): string {
  return unitText
    .split("\n")
    .filter((l) => l.startsWith("StandardInputText="))
    .map((l) => l.slice("StandardInputText=".length))
    .map((v) => v.replace(/%%/g, "%").replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c)))
    .map((v) => `${v}\n`)
    .join("");
}

/** Runs the unit's hand-over commands, but the last (chown to the run's account), in `run`. */
function handOver(t: Tunnel, unitText: string, run: string): void {
  const commands = handoverCommands(t, handedTexts(t));
  assert.match(expandWords(commands.at(-1)!, { t: run }).join(" "), /^\/usr\/bin\/chown -R /);
  for (const c of commands.slice(0, -1)) {
    const [file, ...args] = expandWords(c, { t: run });
    const r = spawnSync(file!, args, { input: stdinData(unitText), encoding: "utf8" });
    assert.equal(r.status, 0, `${file} ${args.join(" ")}: ${r.stderr}`);
  }
}

function runDir(t: Tunnel): string {
  const run = mkdtempSync(join(tmpdir(), "tunnelc-handover-"));
  mkdirSync(join(run, runtimeDirectory(t)), { mode: 0o700 });
  return run;
}

test("pins, jump config and key: the files ssh reads, byte for byte, the key 0600", () => {
  const keys = mkdtempSync(join(tmpdir(), "tunnelc-keys-"));
  const key = join(keys, "device");
  writeFileSync(key, "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a real key\n");
  chmodSync(key, 0o644); // a careless mode: the copy is 0600 all the same
  const { text, tunnel } = compileOne({
    name: "jumpy",
    server: {
      host: "relay.example.net",
      port: 2200,
      hostKeys: [ED, `${ED} a comment`],
      jump: [{ host: "bastion.example.net", user: "me", hostKeys: [ED] }],
    },
    identity: key,
    forwards: [{ remote: 2222, to: "localhost:22" }],
  });
  const run = runDir(tunnel);
  handOver(tunnel, text, run);
  const dir = join(run, runtimeDirectory(tunnel));
  const read = (f: string) => readFileSync(join(dir, f), "utf8");
  assert.equal(read(HANDOVER.knownHosts), `${knownHostsLines(tunnel).join("\n")}\n`);
  assert.equal(read(HANDOVER.sshConfig), `${sshConfigLines(tunnel).join("\n")}\n`);
  assert.equal(read(HANDOVER.identity), readFileSync(key, "utf8"));
  assert.equal(statSync(join(dir, HANDOVER.identity)).mode & 0o777, 0o600);
  // Nothing of the key in the unit, only its path.
  assert.doesNotMatch(text, /not a real key/);
});

test("a backslash in a handed-over line stays one: no escaped newline starts a line of another file", () => {
  const line = String.raw`x\nssh-config ProxyCommand touch /tmp/pwned`;
  const value = tagged(HANDOVER.knownHosts, line);
  assert.equal(value, String.raw`ssh-known-hosts x\\nssh-config ProxyCommand touch /tmp/pwned`);
  // systemd's unescaping of that value gives back the line, on one line.
  const unit = `StandardInputText=${value}\n`;
  assert.equal(stdinData(unit), `${HANDOVER.knownHosts} ${line}\n`);
});

test("the hand-over only where there is something to hand over", () => {
  const plain = compileOne({
    name: "plain",
    server: "relay.example.net",
    user: "tunnel",
    forwards: [{ local: 5432, to: "db:5432" }],
  });
  assert.doesNotMatch(plain.text, /^(ExecStartPre|StandardInputText|RuntimeDirectory)=/m);
  const keyOnly = compileOne({
    name: "keyonly",
    server: "relay.example.net",
    identity: "/etc/tunnelc/keys/keyonly",
    forwards: [{ local: 5432, to: "db:5432" }],
  });
  assert.match(keyOnly.text, /^RuntimeDirectory=tunnelc-keyonly$/m);
  assert.doesNotMatch(keyOnly.text, /^StandardInputText=/m);
  assert.deepEqual(keyOnly.text.match(/^ExecStartPre=\+\/usr\/bin\/(\w+)/gm), [
    "ExecStartPre=+/usr/bin/install",
    "ExecStartPre=+/usr/bin/chown",
  ]);
  // Never a credential: each would be a mount of its own for every running unit.
  for (const u of [plain, keyOnly]) assert.doesNotMatch(u.text, /Credential/);
});

test("a static account's system unit keeps credentials; dynamic and user units hand over", () => {
  const base = {
    server: { host: "relay.example.net", hostKeys: [ED] },
    identity: "/etc/tunnelc/keys/k",
    forwards: [{ remote: 2222, to: "localhost:22" }],
  };
  // A real account may have processes that could swap a file in a directory it owns for a link
  // while root writes there: its unit never gets a "+" command.
  const staticAccount = compileOne({ ...base, name: "static", user: "tunnel" });
  assert.match(staticAccount.text, /^LoadCredential=ssh-identity:\/etc\/tunnelc\/keys\/k$/m);
  assert.match(staticAccount.text, /^SetCredential=ssh-known-hosts:relay\.example\.net /m);
  assert.match(staticAccount.text, / -i %d\/ssh-identity /);
  assert.doesNotMatch(staticAccount.text, /^(ExecStartPre|StandardInputText)=/m);
  const dynamic = compileOne({ ...base, name: "dynamic" });
  assert.match(dynamic.text, /^DynamicUser=yes$/m);
  assert.match(dynamic.text, /^ExecStartPre=\+/m);
  assert.doesNotMatch(dynamic.text, /Credential/);
  const userUnit = compileOne({
    ...base,
    name: "mine",
    scope: "user",
    identity: "/home/me/.ssh/id_ed25519",
  });
  assert.match(userUnit.text, /^ExecStartPre=\+/m);
  assert.doesNotMatch(userUnit.text, /Credential/);
});
