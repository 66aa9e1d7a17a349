// Issue 16 §7, "Secrets are never printed": a private key (or any file that is not a spec) named
// where a spec belongs is refused with its file, line and column and nothing of its text, by
// every command that reads specs, in text and --json, and by the generator (its log lines, its
// units, its status file). Real keys from the real ssh-keygen and openssl.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliForOthers } from "./helpers/cli-for-others.ts";
import { tunnelc, type CliResult } from "./helpers/run-cli.ts";
import { needs } from "./helpers/prereq.ts";

const runs = (cmd: string, args: string[]) =>
  spawnSync(cmd, args, { stdio: "ignore" }).error === undefined;
const hasKeygen = runs("ssh-keygen", ["-?"]);
const hasOpenssl = runs("openssl", ["version"]);

const tmp = () => mkdtempSync(join(tmpdir(), "tunnelc-secret-"));

interface Secret {
  name: string;
  /** The tool that makes it, if any. */
  tool?: { what: string; present: boolean };
  make: (file: string) => void;
  code: string;
}

const keygen =
  (type: string, ...more: string[]) =>
  (file: string) => {
    const r = spawnSync("ssh-keygen", ["-q", "-t", type, "-N", "", "-f", file, ...more]);
    assert.equal(r.status, 0, String(r.stderr));
  };

const SECRETS: Secret[] = [
  {
    name: "a PEM EC private key (ssh-keygen -m PEM)",
    tool: { what: "ssh-keygen", present: hasKeygen },
    make: keygen("ecdsa", "-m", "PEM"),
    code: "spec/key-material",
  },
  {
    name: "an OpenSSH ed25519 private key (ssh-keygen)",
    tool: { what: "ssh-keygen", present: hasKeygen },
    make: keygen("ed25519"),
    code: "spec/key-material",
  },
  {
    name: "a PEM RSA private key (openssl genrsa)",
    tool: { what: "openssl", present: hasOpenssl },
    make: (file) => {
      const r = spawnSync("openssl", ["genrsa", "-out", file, "2048"]);
      assert.equal(r.status, 0, String(r.stderr));
    },
    code: "spec/key-material",
  },
  {
    name: "a PuTTY private key",
    make: (file) =>
      writeFileSync(
        file,
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: k\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIBm5r9pP3h1Wq0Xq\nZmFrZWtleWJvZHlmb3J0ZXN0cw\nPrivate-Lines: 1\nAAAAIHPrivPrivPrivPrivPrivPrivPrivPrivPrivPriv\nPrivate-MAC: 0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f\n",
      ),
    code: "spec/key-material",
  },
  {
    name: "a key pasted after a '{' (PEM anywhere in the file)",
    tool: { what: "ssh-keygen", present: hasKeygen },
    make: (file) => {
      keygen("ed25519")(`${file}.k`);
      writeFileSync(file, `{"name": "x",\n${readFileSync(`${file}.k`, "utf8")}`);
    },
    code: "spec/key-material",
  },
  {
    name: "a binary file with NUL bytes",
    make: (file) =>
      writeFileSync(file, Buffer.from([0x7b, 0x0a, 0x00, 0x53, 0x45, 0x43, 0x52, 0x45, 0x54])),
    code: "spec/not-text",
  },
  {
    name: "a shadow(5)-like text file",
    make: (file) =>
      writeFileSync(
        file,
        "root:$y$j9T$SECRETSALTSECRETSALT$SECRETHASHSECRETHASH:19000:0:99999:7:::\n",
      ),
    code: "spec/not-json",
  },
];

/**
 * The lines of the file that must never be shown: every line but PEM's armour (the base64
 * body, PuTTY's fields), for a binary file its bytes after the first.
 */
function secretLines(file: string): string[] {
  const text = readFileSync(file, "latin1");
  return text
    .split("\n")
    .filter((l) => !/^-----(BEGIN|END) /.test(l) && !/^\{"name": "x",$/.test(l))
    .map((l) => l.replace(/^\{\n?/, "").replace(/\0/g, ""))
    .filter((l) => l.length >= 6);
}

function tellsNothing(r: CliResult, lines: string[], what: string): void {
  const said = r.stdout + r.stderr;
  for (const l of lines) assert.ok(!said.includes(l), `${what} shows a line of the file: ${l}`);
  assert.doesNotMatch(said, /\n\s+\d+ \| /, `${what} shows a code frame`);
}

/** Every command that reads a spec, each with the file where its spec goes. */
const COMMANDS: { name: string; argv: (f: string, base: string) => string[] }[] = [
  { name: "validate", argv: (f) => ["validate", f] },
  { name: "validate --json", argv: (f) => ["validate", "--json", f] },
  { name: "compile", argv: (f, b) => ["compile", f, "-o", join(b, "out")] },
  { name: "compile --json", argv: (f, b) => ["compile", "--json", f, "-o", join(b, "out")] },
  { name: "install --root", argv: (f, b) => ["install", f, "--root", join(b, "root")] },
  { name: "install --root --json", argv: (f, b) => ["install", "--json", f, "--root", b] },
  { name: "uninstall PATH --root", argv: (f, b) => ["uninstall", f, "--root", join(b, "root")] },
  { name: "diff", argv: (f, b) => ["diff", f, "--root", join(b, "root")] },
  { name: "relay", argv: (f) => ["relay", f] },
  { name: "ssh-config", argv: (f) => ["ssh-config", f] },
  { name: "trust --dry-run", argv: (f) => ["trust", f, "--dry-run"] },
  { name: "trust --json", argv: (f) => ["trust", "--json", f] },
  { name: "doctor", argv: (f) => ["doctor", f] },
  { name: "keygen SPEC --root", argv: (f, b) => ["keygen", f, "--root", join(b, "root")] },
];

for (const s of SECRETS) {
  test(`secrets: ${s.name} is refused by every command, located, nothing of it shown`, (t) => {
    if (s.tool && !needs(t, s.tool.what, s.tool.present)) return;
    const base = tmp();
    const file = join(base, "id_key");
    s.make(file);
    const lines = secretLines(file);
    assert.ok(lines.length > 0, "the file has lines to hide");
    for (const c of COMMANDS) {
      const r = tunnelc(c.argv(file, base));
      assert.equal(r.status, 1, `${c.name}: ${r.stdout}${r.stderr}`);
      tellsNothing(r, lines, c.name);
      assert.match(r.stdout + r.stderr, new RegExp(`id_key:\\d+:\\d+|"file": ".*id_key"`));
      if (c.name.endsWith("--json")) {
        const env = JSON.parse(r.stdout) as { diagnostics: { code: string; frame?: string }[] };
        assert.equal(env.diagnostics[0]?.code, s.code, c.name);
        assert.equal(env.diagnostics[0]?.frame, undefined);
      }
    }
  });
}

test("secrets: the generator refuses a key named x.json without copying a line of it into its log, units or status file (0600)", (t) => {
  if (!needs(t, "ssh-keygen", hasKeygen)) return;
  const base = tmp();
  const specs = join(base, "specs");
  const out = join(base, "out");
  mkdirSync(specs);
  mkdirSync(out);
  keygen("ecdsa", "-m", "PEM")(join(specs, "stolen.json"));
  const lines = secretLines(join(specs, "stolen.json"));
  writeFileSync(
    join(specs, "good.json"),
    JSON.stringify({
      name: "good",
      server: "me@relay.example",
      identity: "/etc/tunnelc/keys/good",
      forwards: [{ remote: 2222, to: "localhost:22" }],
    }),
  );
  const kmsg = join(base, "kmsg");
  writeFileSync(kmsg, "");
  const r = tunnelc(["generate", "--spec-dir", specs, out], { env: { TUNNELC_KMSG: kmsg } });
  assert.equal(r.status, 0, r.stderr);
  tellsNothing(r, lines, "generate");
  const log = readFileSync(kmsg, "utf8");
  assert.match(log, /stolen\.json:1:1: .*not a tunnel spec/);
  for (const l of lines) assert.ok(!log.includes(l), "the log shows a line of the key");
  const written = readdirSync(out, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    // parentPath came with Node 20.12 and 18.20; Debian 12's 18.19 has only path.
    .map((e) => join(e.parentPath ?? e.path, e.name));
  assert.ok(written.some((f) => f.endsWith("good.service")));
  for (const f of written) {
    const text = readFileSync(f, "utf8");
    for (const l of lines) assert.ok(!text.includes(l), `${f} holds a line of the key`);
  }
  const status = join(out, "tunnelc-generator.status");
  assert.equal(statSync(status).mode & 0o777, 0o600, "the status file is root's only");
});

test("secrets: a spec that starts as JSON keeps its located syntax error and its frame", () => {
  const file = join(tmp(), "typo.json");
  writeFileSync(file, '{\n  "name": "a",,\n}\n');
  const r = tunnelc(["validate", file]);
  assert.equal(r.status, 1);
  assert.match(r.stdout + r.stderr, /typo\.json:2:\d+: /);
  assert.match(r.stdout + r.stderr, /^\s+2 \| {3}"name": "a",,$/m);
});

test("secrets: status as a user who may not read the generator's 0600 status file shows the rest, no error", (t) => {
  // Only root can make a file another user may not read (CI runs as root, as .ci/run's apt-get).
  if (process.getuid?.() !== 0) return t.skip("needs root");
  if (!needs(t, "setpriv", runs("setpriv", ["--help"]))) return;
  const base = tmp();
  chmodSync(base, 0o755);
  const gen = join(base, "run/systemd/generator");
  mkdirSync(gen, { recursive: true });
  mkdirSync(join(base, "etc/systemd/system"), { recursive: true });
  const status = join(gen, "tunnelc-generator.status");
  writeFileSync(status, JSON.stringify({ specs: [], diagnostics: [{ message: "SECRET-VALUE" }] }));
  chmodSync(status, 0o600);
  const r = spawnSync(
    "setpriv",
    [
      "--reuid=65534",
      "--regid=65534",
      "--clear-groups",
      process.execPath,
      cliForOthers(),
      "status",
      "--root",
      base,
    ],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /SECRET-VALUE|permission denied/);
});
