// tunnelc keygen: a real ssh-keygen key where the unit's LoadCredential= reads it, never
// overwritten without --force, and the relay's line the same one `tunnelc relay` writes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultKeyPath, keyComment, onDisk } from "../src/keygen/key-path.ts";
import { generateKey, sshKeygenArgv } from "../src/keygen/generate.ts";
import { RefusedError } from "../src/errors.ts";
import { tunnelc } from "./helpers/run-cli.ts";
import { needs } from "./helpers/prereq.ts";

const hasKeygen = spawnSync("ssh-keygen", ["-?"], { stdio: "ignore" }).error === undefined;
const tmp = () => mkdtempSync(join(tmpdir(), "tunnelc-keygen-"));

const PATHS: [string, string, "system" | "user", NodeJS.ProcessEnv, string][] = [
  ["system unit", "home", "system", {}, "/etc/tunnelc/keys/home"],
  ["user unit", "home", "user", { HOME: "/home/me" }, "/home/me/.config/tunnelc/keys/home"],
  ["user unit, XDG", "pi", "user", { XDG_CONFIG_HOME: "/x/cfg" }, "/x/cfg/tunnelc/keys/pi"],
];
for (const [what, name, scope, env, path] of PATHS) {
  test(`key path: ${what}`, () => assert.equal(defaultKeyPath(name, scope, env), path));
}

test("--root puts the file below it; the comment keeps key-comment characters", () => {
  assert.equal(onDisk("/etc/tunnelc/keys/a", "/img"), "/img/etc/tunnelc/keys/a");
  assert.equal(onDisk("/etc/tunnelc/keys/a", undefined), "/etc/tunnelc/keys/a");
  assert.equal(keyComment("a", "my box;1"), "tunnelc-a@my-box-1");
});

test("ssh-keygen is run as an argv array, with an empty passphrase and quiet", () => {
  assert.deepEqual(sshKeygenArgv("/k/a", "tunnelc-a@h"), [
    "ssh-keygen",
    "-t",
    "ed25519",
    "-N",
    "",
    "-C",
    "tunnelc-a@h",
    "-f",
    "/k/a",
    "-q",
  ]);
});

test("an existing key is refused (exit 1) unless --force; reuse keeps it", () => {
  const dir = tmp();
  const file = join(dir, "k");
  writeFileSync(file, "old");
  writeFileSync(`${file}.pub`, "ssh-ed25519 AAAA old\n");
  const never = { run: () => assert.fail("ssh-keygen must not run") };
  assert.throws(() => generateKey({ file, comment: "c", force: false }, never), RefusedError);
  const kept = generateKey({ file, comment: "c", force: false, reuse: true }, never);
  assert.deepEqual(kept, { file, publicKey: "ssh-ed25519 AAAA old", created: false });
});

test("keygen NAME --root: a real key, 0600 in a 0700 directory, and its lines", (t) => {
  if (!needs(t, "ssh-keygen", hasKeygen)) return;
  const root = tmp();
  const r = tunnelc(["keygen", "home", "--root", root]);
  assert.equal(r.status, 0, r.stderr);
  const file = join(root, "etc/tunnelc/keys/home");
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(join(root, "etc/tunnelc/keys")).mode & 0o777, 0o700);
  const pub = readFileSync(`${file}.pub`, "utf8").trim();
  assert.match(pub, /^ssh-ed25519 [A-Za-z0-9+/]+=* tunnelc-home@\S+$/);
  assert.ok(r.stdout.includes(`${pub}\n`));
  // No spec, no forwards asked for: the line allows none (src/ends/relay.ts NO_LISTEN, NO_OPEN).
  assert.match(
    r.stdout,
    /^restrict,port-forwarding,command="false",permitlisten="NONE:1",permitopen="\[\]:1" ssh-ed25519 \S+ tunnelc:home$/m,
  );
  assert.match(r.stderr, /set "identity": "\/etc\/tunnelc\/keys\/home"/);
  const again = tunnelc(["keygen", "home", "--root", root]);
  assert.equal(again.status, 1);
  assert.match(
    again.stderr,
    /keys\/home exists: keygen never replaces a key .* --force replaces it/,
  );
  assert.equal(readFileSync(`${file}.pub`, "utf8").trim(), pub, "the key is kept");
  const forced = tunnelc(["keygen", "home", "--root", root, "--force"]);
  assert.equal(forced.status, 0, forced.stderr);
  assert.notEqual(readFileSync(`${file}.pub`, "utf8").trim(), pub);
});

test("keygen SPEC --json: the spec's identity path and the relay's restricted line", (t) => {
  if (!needs(t, "ssh-keygen", hasKeygen)) return;
  const root = tmp();
  const spec = join(tmp(), "home.json");
  // Without identity the spec is refused (rule/no-identity): keygen is the way out of that.
  writeFileSync(
    spec,
    '{ "name": "home", "server": "me@relay:2222", "forwards": [{ "remote": 2222, "to": 22 }, { "local": 5432, "to": "db:5432" }] }',
  );
  const r = tunnelc(["keygen", spec, "--root", root, "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as {
    ok: boolean;
    diagnostics: unknown[];
    keys: { identity: string; file: string; publicKey: string; authorizedKeys: string }[];
  };
  assert.equal(out.ok, true);
  assert.deepEqual(out.diagnostics, []);
  const k = out.keys[0]!;
  assert.equal(k.identity, "/etc/tunnelc/keys/home");
  assert.equal(k.file, join(root, "etc/tunnelc/keys/home"));
  const blob = k.publicKey.split(" ").slice(0, 2).join(" ");
  assert.equal(
    k.authorizedKeys,
    `restrict,port-forwarding,command="false",permitlisten="localhost:2222",permitopen="db:5432" ${blob} tunnelc:home`,
  );
  // The same line tunnelc relay writes once the spec names the key.
  writeFileSync(
    spec,
    readFileSync(spec, "utf8").replace('"forwards"', `"identity": "${k.file}", "forwards"`),
  );
  const relay = tunnelc(["relay", spec]);
  assert.equal(relay.status, 0, relay.stderr);
  assert.ok(relay.stdout.includes(k.authorizedKeys), relay.stdout);
  // The spec now names the key itself: keygen finds it there and keeps it.
  const refused = tunnelc(["keygen", spec, "--json"]);
  assert.equal(refused.status, 1);
  assert.equal((JSON.parse(refused.stdout) as { ok: boolean }).ok, false);
});

test("keygen refuses a bad name and a broken spec without writing", () => {
  // From a fresh directory, so that "../x" names nothing on disk.
  const cwd = join(tmp(), "cwd");
  mkdirSync(cwd);
  const bad = tunnelc(["keygen", "../x", "--root", tmp()], { cwd });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /not a tunnel name/);
  const spec = join(tmp(), "bad.json");
  writeFileSync(spec, '{ "name": "a", "server": "relay:0", "forwards": [{ "dynamic": 1080 }] }');
  const r = tunnelc(["keygen", spec, "--root", tmp()]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /\/server: "relay:0" is not \[user@\]host\[:port\]/);
});
