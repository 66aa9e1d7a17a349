// tunnelc init: flags → a commented starter spec that is itself valid; questions on a terminal;
// never a hang without one.
import { edgeOf } from "../src/edge/edge.ts";
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInit, parseServer } from "../src/commands/init.ts";
import { parseForwardFlag } from "../src/init/forward-flag.ts";
import { compileSpecs } from "../src/render/units.ts";
import { SpecError, UsageError } from "../src/errors.ts";
import type { Runner } from "../src/edge/systemctl.ts";
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
  const t = r.model.tunnels[0]!.tunnel;
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
    undefined,
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

/** `tunnelc init` on a pseudo-terminal (script(1)), typing `input`. */
const initOnPty = (input: string) =>
  spawnSync(
    "script",
    ["-qec", `"${process.execPath}" "${CLI}" init --identity /k/x`, "/dev/null"],
    {
      input,
      encoding: "utf8",
      timeout: 20_000,
    },
  );

test("on a real terminal (script(1) gives it a pty), init asks and writes the answers", (t) => {
  if (!needs(t, "script(1)", hasTool("script", ["--version"]))) return;
  const r = initOnPty("me@relay.example.net:0\nme@relay.example.net\n2222:localhost:22\nlaptop\n");
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /SSH server \(\[user@\]host\[:port\]\): /);
  assert.match(
    r.stdout,
    /the port "0" is not a port: ports are 1-65535\r?\nSSH server/,
    "asked again",
  );
  assert.match(r.stdout, /"name": "laptop"/);
  assert.match(r.stdout, /"server": \{ "host": "relay\.example\.net", "user": "me" \}/);
  const short = initOnPty("me@relay\n");
  assert.equal(short.status, 2, "input that ends early is a usage error");
  assert.match(short.stdout, /input ended before every question was answered/);
});

const tmp = () => mkdtempSync(join(tmpdir(), "tunnelc-init-"));
const PUB = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICrEM716nxe4LfvKB6vD0AJ/7XlaayCe0GE1zFcdYHA3";

/** Stands in for ssh-keygen: writes the pair where -f says and records the call. */
function fakeKeygen(calls: string[][]): Runner {
  return {
    run(argv) {
      calls.push(argv);
      const file = argv[argv.indexOf("-f") + 1]!;
      writeFileSync(file, "PRIVATE", { mode: 0o600 });
      writeFileSync(`${file}.pub`, `${PUB} tunnelc-x@h\n`);
      return { status: 0, stdout: "", stderr: "" };
    },
  };
}

test("init with flags only makes the key (below --root) and names it in the spec", async () => {
  const root = tmp();
  const calls: string[][] = [];
  const args = { name: "home", server: "me@relay", R: ["2222:localhost:22"], root, force: false };
  const out = await runInit(args, edgeOf({ runner: fakeKeygen(calls) }));
  assert.equal(calls.length, 1);
  assert.equal(calls[0]![calls[0]!.indexOf("-f") + 1], join(root, "etc/tunnelc/keys/home"));
  assert.match(out.stdout, /"identity": "\/etc\/tunnelc\/keys\/home",/);
  assert.ok(out.stdout.includes(`"publicKey": "${PUB} tunnelc-x@h"`));
  assert.ok(
    out.notes.includes(
      `restrict,port-forwarding,command="false",permitlisten="localhost:2222",permitopen="[]:1" ${PUB} tunnelc:home`,
    ),
  );
  const r = compileSpecs([{ file: "home.json", text: out.stdout }]);
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  assert.match(
    r.units[0]!.text,
    /^ExecStartPre=\+\/usr\/bin\/install -m 0600 -- \/etc\/tunnelc\/keys\/home %t\/tunnelc-home\/ssh-identity$/m,
  );
  // A rerun keeps the key it made.
  const again = await runInit(args, edgeOf({ runner: fakeKeygen(calls) }));
  assert.equal(calls.length, 1);
  assert.match(again.notes[0]!, /kept the existing key/);
});

test("init --no-keygen needs --account (or --identity): else the spec cannot log in", async () => {
  const base = {
    name: "home",
    server: "relay",
    R: ["2222:localhost:22"],
    keygen: false,
    force: false,
  };
  await assert.rejects(runInit(base, undefined), (e: unknown) => {
    assert.ok(e instanceof SpecError);
    assert.match(e.diagnostics[0]!.message, /run "tunnelc keygen home"/);
    return true;
  });
  const out = await runInit({ ...base, account: "tunnel" }, undefined);
  assert.match(out.stdout, /"user": "tunnel"/);
  assert.doesNotMatch(out.stdout, /^ {2}"identity"/m);
});

test("init --user writes a user unit with its key under the config home", async () => {
  const home = tmp();
  const before = process.env.XDG_CONFIG_HOME;
  process.env.XDG_CONFIG_HOME = join(home, "cfg");
  try {
    const out = await runInit(
      { name: "socks", server: "relay", D: ["1080"], user: true, force: false },
      edgeOf({ runner: fakeKeygen([]) }),
    );
    assert.match(out.stdout, /"scope": "user"/);
    assert.ok(out.stdout.includes(`"identity": "${join(home, "cfg/tunnelc/keys/socks")}"`));
    assert.ok(existsSync(join(home, "cfg/tunnelc/keys/socks")));
  } finally {
    if (before === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = before;
  }
  const old = tunnelc(["init", "--user", "alice", "--server", "relay", "-D", "1080"]);
  assert.equal(old.status, 2);
  assert.match(old.stderr, /did you mean --account alice\?/);
});

test("on a terminal, an invalid answer is asked again with the reason", async () => {
  const asked: string[] = [];
  const answers = [
    "me@relay:99999",
    "me@relay",
    "2222",
    "70000:localhost:22",
    "2222:localhost:22",
    "a/b",
    "home",
    "maybe",
    "",
  ];
  const root = tmp();
  const out = await runInit(
    { root, force: false },
    edgeOf({ runner: fakeKeygen([]) }),
    async (q) => (asked.push(q), answers.shift() ?? ""),
  );
  assert.equal(answers.length, 0);
  assert.match(asked[1]!, /the port "99999" is not a port[^\n]*\nSSH server/);
  assert.match(asked[3]!, /-R 2222: expected \[address:\]port:host:hostport/);
  assert.match(asked[4]!, /^ {2}must be at most 65535 \(got 70000\)\nReverse forward/);
  assert.match(asked[6]!, /is not valid: expected the unit's base name/);
  assert.match(asked[7]!, /Make a key for it at \/etc\/tunnelc\/keys\/home\? \[Y\/n\]/);
  assert.match(asked[8]!, /answer "y" or "n"/);
  assert.match(out.stdout, /"identity": "\/etc\/tunnelc\/keys\/home"/);
  assert.ok(existsSync(join(root, "etc/tunnelc/keys/home")));
});

test("init --server takes the spec's own [user@]host[:port] reader", () => {
  assert.deepEqual(parseServer("me@[2001:db8::1]:2222"), {
    host: "[2001:db8::1]",
    port: 2222,
    user: "me",
  });
  assert.match(String(parseServer("relay:0")), /^--server "relay:0" is not \[user@\]host\[:port\]/);
});
