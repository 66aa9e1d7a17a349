// tunnelc init: flags → a commented starter spec that is itself valid; questions on a terminal;
// never a hang without one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInit, parseServer } from "../src/commands/init.ts";
import { parseForwardFlag } from "../src/init/forward-flag.ts";
import { compileSpecs } from "../src/compile/pipeline.ts";
import { UsageError } from "../src/errors.ts";
import { CLI } from "./helpers/paths.ts";
import { tunnelc } from "./helpers/run-cli.ts";
import { hasTool, needs } from "./helpers/prereq.ts";

const FLAGS: [string, "R" | "L" | "D", string, unknown][] = [
  ["reverse to sshd", "R", "2222:localhost:22", { remote: 2222, to: "localhost:22" }],
  ["reverse on an address", "R", "0.0.0.0:8080:web:80", { remote: "0.0.0.0:8080", to: "web:80" }],
  ["local on IPv6", "L", "[::1]:5432:db:5432", { local: "[::1]:5432", to: "db:5432" }],
  ["local to IPv6", "L", "5432:[2001:db8::5]:5432", { local: 5432, to: "[2001:db8::5]:5432" }],
  ["SOCKS", "D", "1080", { dynamic: 1080 }],
  ["SOCKS on an address", "D", "127.0.0.1:1080", { dynamic: "127.0.0.1:1080" }],
  ["too few parts", "R", "2222", "-R 2222: expected [address:]port:host:hostport"],
];
for (const [name, kind, text, expected] of FLAGS) {
  test(`forward flag: ${name}`, () => assert.deepEqual(parseForwardFlag(kind, text), expected));
}

test("server flag", () => {
  assert.deepEqual(parseServer("me@relay.example.net:2200"), {
    host: "relay.example.net",
    port: 2200,
    user: "me",
  });
  assert.deepEqual(parseServer("[2001:db8::1]:22"), { host: "[2001:db8::1]", port: 22 });
  assert.equal(typeof parseServer("a b"), "string");
});

test("the starter spec compiles, with comments, and carries the flags", async () => {
  const out = await runInit(
    {
      name: "home",
      server: "phonehome@relay.example.net",
      R: ["2222:localhost:22"],
      D: ["1080"],
      identity: "/etc/tunnelc/keys/home",
      force: false,
    },
    undefined,
  );
  assert.match(out.stdout, /^\/\/ A tunnelc spec/);
  const r = compileSpecs([{ file: "home.json", text: out.stdout }]);
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  const t = r.units[0]!.source.tunnel;
  assert.equal(t.name, "home");
  assert.equal(t.server.user, "phonehome");
  assert.equal(t.identity, "/etc/tunnelc/keys/home");
  assert.deepEqual(
    t.forwards.map((f) => f.kind),
    ["remote", "dynamic"],
  );
});

test("on a terminal, init asks for what is missing", async () => {
  const asked: string[] = [];
  const answers = ["me@relay.example.net", "2222:localhost:22", "laptop"];
  const out = await runInit(
    { force: false, identity: "/k/laptop" },
    async (q) => (asked.push(q), answers.shift() ?? ""),
  );
  assert.equal(asked.length, 3);
  assert.match(out.stdout, /"name": "laptop"/);
  assert.match(out.stdout, /"remote": 2222/);
});

test("without a terminal, missing flags are a usage error", async () => {
  await assert.rejects(runInit({ force: false }, undefined), UsageError);
});

test("bad flags are usage errors; a bad name is a spec error", async () => {
  await assert.rejects(runInit({ server: "relay", R: ["x"], force: false }, undefined), UsageError);
  const r = tunnelc(["init", "--name", "a/b", "--server", "relay", "-D", "1080"]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /\/name: is not valid/);
});

test("init never waits on a stdin that is not a terminal", async () => {
  const child = spawn(process.execPath, [CLI, "init"], { stdio: ["pipe", "pipe", "pipe"] });
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => (child.kill("SIGKILL"), resolve(null)), 10_000);
    child.on("exit", (c) => (clearTimeout(timer), resolve(c)));
  });
  assert.equal(code, 2, "exits with a usage error instead of waiting");
});

test("init FILE writes it, and keeps an existing file without --force", () => {
  const f = join(mkdtempSync(join(tmpdir(), "tunnelc-init-")), "home.json");
  assert.equal(
    tunnelc(["init", f, "--identity", "/k/x", "--server", "relay", "-R", "2222:localhost:22"])
      .status,
    0,
  );
  assert.equal(tunnelc(["validate", f]).status, 0);
  writeFileSync(f, "mine");
  assert.equal(
    tunnelc(["init", f, "--identity", "/k/x", "--server", "relay", "-R", "2222:localhost:22"])
      .status,
    2,
  );
  assert.equal(readFileSync(f, "utf8"), "mine");
  assert.equal(
    tunnelc([
      "init",
      f,
      "--identity",
      "/k/x",
      "--server",
      "relay",
      "-R",
      "2222:localhost:22",
      "--force",
    ]).status,
    0,
  );
});

test("on a real terminal (script(1) gives it a pty), init asks and writes the answers", (t) => {
  if (!needs(t, "script(1)", hasTool("script", ["--version"]))) return;
  const r = spawnSync(
    "script",
    ["-qec", `"${process.execPath}" "${CLI}" init --identity /k/x`, "/dev/null"],
    {
      input: "me@relay.example.net\n2222:localhost:22\nlaptop\n",
      encoding: "utf8",
      timeout: 20_000,
    },
  );
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /SSH server \(\[user@\]host\[:port\]\): /);
  assert.match(r.stdout, /"name": "laptop"/);
  assert.match(r.stdout, /"server": \{ "host": "relay\.example\.net", "user": "me" \}/);
  const short = spawnSync(
    "script",
    ["-qec", `"${process.execPath}" "${CLI}" init --identity /k/x`, "/dev/null"],
    {
      input: "me@relay\n",
      encoding: "utf8",
      timeout: 20_000,
    },
  );
  assert.equal(short.status, 2, "input that ends early is a usage error");
  assert.match(short.stdout, /input ended before every question was answered/);
});
