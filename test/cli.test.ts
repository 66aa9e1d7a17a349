// The CLI as users meet it: exit codes, what is written and what is not, --json, colour.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
  existsSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { CLI, ROOT } from "./helpers/paths.ts";
import { tunnelc } from "./helpers/run-cli.ts";

const EXAMPLES = join(ROOT, "docs", "examples");
const SEED = join(EXAMPLES, "phone-home.json");
const FLEET = join(EXAMPLES, "office.json");
const tmp = () => mkdtempSync(join(tmpdir(), "tunnelc-cli-"));

test("compile writes one 0644 unit per tunnel and says so", () => {
  const out = join(tmp(), "deep", "dir");
  const r = tunnelc(["compile", SEED, FLEET, "-o", out]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(out).sort(), [
    "office-db.service",
    "office-reverse.service",
    "office-socks.service",
    "ssh-phone-home.service",
  ]);
  for (const f of readdirSync(out)) assert.equal(statSync(join(out, f)).mode & 0o777, 0o644);
  assert.match(r.stderr, /wrote .*ssh-phone-home\.service/);
  assert.equal(
    readFileSync(join(out, "ssh-phone-home.service"), "utf8"),
    readFileSync(join(ROOT, "units", "ssh-phone-home.service"), "utf8"),
  );
});

test("compile is 0644 whatever the umask", () => {
  const out = tmp();
  const r = spawnSync(
    "sh",
    ["-c", 'umask 077 && exec "$0" "$1" compile "$2" -o "$3"', process.execPath, CLI, SEED, out],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(statSync(join(out, "ssh-phone-home.service")).mode & 0o777, 0o644);
});

test("compile -o - prints the unit; the default is stdout too", () => {
  const a = tunnelc(["compile", SEED, "-o", "-"]);
  const b = tunnelc(["compile", SEED]);
  assert.equal(a.status, 0);
  assert.equal(a.stdout, readFileSync(join(ROOT, "units", "ssh-phone-home.service"), "utf8"));
  assert.equal(b.stdout, a.stdout);
});

test("compile of several units to stdout names each", () => {
  const r = tunnelc(["compile", FLEET]);
  assert.equal(r.status, 0);
  assert.deepEqual(
    [...r.stdout.matchAll(/^### (.+)$/gm)].map((m) => m[1]),
    ["office-reverse.service", "office-db.service", "office-socks.service"],
  );
});

test("compile reads a spec from stdin", () => {
  const r = tunnelc(["compile", "-"], { input: readFileSync(SEED, "utf8") });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ExecStart=\/usr\/bin\/ssh -f -y -N -T -C/m);
});

test("a bad spec: exit 1, located messages, nothing written", () => {
  const dir = tmp();
  const bad = join(dir, "bad.json");
  writeFileSync(
    bad,
    '{\n  "name": "x",\n  "server": { "host": "h", "prot": 22 },\n  "forwards": [{ "remote": 70000, "to": "localhost:22" }]\n}\n',
  );
  const out = join(dir, "out");
  const r = tunnelc(["compile", SEED, bad, "-o", out]);
  assert.equal(r.status, 1);
  assert.equal(existsSync(out), false, "nothing may be written when any spec is bad");
  assert.match(
    r.stderr,
    new RegExp(
      `${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:28: /server/prot: unknown field "prot"; did you mean "port"\\?`,
    ),
  );
  assert.match(r.stderr, /:4:28: \/forwards\/0\/remote: must be at most 65535 \(got 70000\)/);
  assert.match(r.stderr, /\^\^\^\^\^/);
  assert.match(r.stderr, /^2 errors$/m);
  assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/, "no stack trace");
});

test("a bad spec does not touch an existing unit", () => {
  const out = tmp();
  assert.equal(tunnelc(["compile", SEED, "-o", out]).status, 0);
  const before = readFileSync(join(out, "ssh-phone-home.service"), "utf8");
  const bad = join(tmp(), "seed.json");
  writeFileSync(
    bad,
    '{ "localUser": "u", "remoteHostname": "h", "remoteUser": "u", "bindPort": 0 }',
  );
  assert.equal(tunnelc(["compile", bad, "-o", out]).status, 1);
  assert.equal(readFileSync(join(out, "ssh-phone-home.service"), "utf8"), before);
  assert.deepEqual(readdirSync(out), ["ssh-phone-home.service"], "no stray temp files");
});

test("validate: 0 for good specs, 1 with every problem for bad ones", () => {
  const ok = tunnelc(["validate", SEED, FLEET]);
  assert.equal(ok.status, 0);
  assert.match(ok.stderr, /phone-home\.json: ok \(1 tunnel: ssh-phone-home\)/);
  assert.match(
    ok.stderr,
    /office\.json: ok \(3 tunnels: office-reverse, office-db, office-socks\)/,
  );
  const bad = tunnelc(["validate", join(ROOT, "test", "invalid", "misspelled-keys.json")]);
  assert.equal(bad.status, 1);
  assert.equal((bad.stderr.match(/misspelled-keys\.json:\d+:\d+: /g) ?? []).length, 4);
});

test("validate --json reports every spec and diagnostic", () => {
  const r = tunnelc([
    "validate",
    "--json",
    SEED,
    join(ROOT, "test", "invalid", "dash-host-user.json"),
  ]);
  assert.equal(r.status, 1);
  const report = JSON.parse(r.stdout) as {
    ok: boolean;
    specs: { ok: boolean; diagnostics: { pointer: string; line: number }[] }[];
  };
  assert.equal(report.ok, false);
  assert.equal(report.specs[0]!.ok, true);
  assert.deepEqual(
    report.specs[1]!.diagnostics.map((d) => d.pointer),
    ["/server/host", "/server/user", "/user", "/forwards/0/to"],
  );
  assert.equal(r.stderr, "");
});

test("compile --json lists the units written, with text on stdout mode", () => {
  const out = tmp();
  const r = tunnelc(["compile", "--json", FLEET, "-o", out]);
  assert.equal(r.status, 0);
  const report = JSON.parse(r.stdout) as { ok: boolean; units: { name: string; path: string }[] };
  assert.deepEqual(
    report.units.map((u) => u.name),
    ["office-reverse", "office-db", "office-socks"],
  );
  assert.equal(report.units[0]!.path, join(out, "office-reverse.service"));
  const s = JSON.parse(tunnelc(["compile", "--json", SEED]).stdout) as {
    units: { text: string }[];
  };
  assert.match(s.units[0]!.text, /^\[Service\]$/m);
});

test("usage errors exit 2", () => {
  assert.equal(tunnelc([]).status, 2);
  assert.equal(tunnelc(["frobnicate"]).status, 2);
  assert.equal(tunnelc(["compile"]).status, 2);
  assert.equal(tunnelc(["compile", SEED, "--bogus"]).status, 2);
});

test("system errors exit 3: a missing spec, an unwritable output; -o below a file is usage", () => {
  const missing = tunnelc(["compile", "/nonexistent/spec.json"]);
  assert.equal(missing.status, 3);
  assert.match(missing.stderr, /cannot read \/nonexistent\/spec\.json: no such file or directory/);
  const readOnly = tunnelc(["compile", SEED, "-o", "/proc/sys/tunnelc-x"]);
  assert.equal(readOnly.status, 3, readOnly.stderr);
  assert.match(readOnly.stderr, /cannot write units/);
  const file = join(tmp(), "a-file");
  writeFileSync(file, "");
  const r = tunnelc(["compile", SEED, "-o", join(file, "sub")]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /-o .*a-file\/sub: not a directory/);
});

test("schema prints the schema the validator was built from", () => {
  const r = tunnelc(["schema"]);
  assert.equal(r.status, 0);
  assert.deepEqual(
    JSON.parse(r.stdout),
    JSON.parse(readFileSync(join(ROOT, "schemas", "tunnel.schema.json"), "utf8")),
  );
});

test("--help shows examples and exit codes; --version the package version", () => {
  const help = tunnelc(["compile", "--help"]);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /compile home\.json -o \/etc\/systemd\/system/);
  assert.match(
    tunnelc(["--help"]).stdout,
    /Exit status: 0 ok, 1 a problem in a spec \(or a refused change\), 2 bad usage, 3 a system error/,
  );
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
  assert.equal(tunnelc(["--version"]).stdout.trim(), pkg.version);
});

test("no colour when NO_COLOR is set or output is not a terminal", () => {
  const bad = join(ROOT, "test", "invalid", "port-out-of-range.json");
  const plain = tunnelc(["validate", bad]);
  assert.ok(!plain.stderr.includes("\u001b["));
  const forced = tunnelc(["validate", bad], { env: { FORCE_COLOR: "1", NO_COLOR: "1" } });
  assert.ok(!forced.stderr.includes("\u001b["));
});

test("output is deterministic: same bytes from another directory and file name", () => {
  const dir = tmp();
  const copy = join(dir, "phone-home.json");
  writeFileSync(copy, readFileSync(SEED));
  assert.equal(
    tunnelc(["compile", "phone-home.json"], { cwd: dir }).stdout,
    tunnelc(["compile", SEED]).stdout,
  );
});
