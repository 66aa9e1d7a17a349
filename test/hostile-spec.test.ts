// Issue 16's spec-level holes through the real CLI and generator: whatever validate accepts
// compiles to a unit systemd loads, a spec's problem is never an internal error (exit 3) and
// never costs another spec's unit, and every choice that weakens the tunnel is warned of.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tunnelc } from "./helpers/run-cli.ts";
import { needs } from "./helpers/prereq.ts";
import { hasSystemdAnalyze, verifyUnits } from "./helpers/systemd.ts";
import { renderedOrProblem } from "../src/render/unwritable.ts";
import { EscapeError } from "../src/unit/escape.ts";
import type { ModelTunnel } from "../src/model/tunnel.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "tunnelc-hostile-spec-"));
const KEY = "/etc/tunnelc/keys/t";

const spec = (extra: Record<string, unknown>, name = "t") =>
  JSON.stringify(
    {
      name,
      server: "me@relay.example.net",
      identity: KEY,
      forwards: [{ remote: 2222, to: "localhost:22" }],
      ...extra,
    },
    null,
    2,
  );

const write = (dir: string, file: string, text: string) => {
  const path = join(dir, file);
  writeFileSync(path, text);
  return path;
};

// A description whose last character, once the white space systemd drops is gone, is "\"
// (systemd.syntax(7): a line ending in a backslash continues on the next line).
const DESCRIPTIONS = ["a\\ ", "a\\\u00a0", "a\\\u2028", "x \\\t".replace("\t", "  ")];

for (const description of DESCRIPTIONS) {
  test(`description ${JSON.stringify(description)}: validate and compile refuse it at /description (exit 1), never an internal error`, () => {
    const dir = tmp();
    const file = write(dir, "d.json", spec({ description }));
    for (const args of [
      ["validate", file],
      ["compile", file, "-o", join(dir, "out")],
    ]) {
      const r = tunnelc(args);
      assert.equal(r.status, 1, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, /d\.json:\d+:\d+: \/description: /);
      assert.doesNotMatch(r.stderr, /internal error/);
    }
    assert.equal(existsSync(join(dir, "out")), false);
  });
}

test("the generator over a spec with such a description and a good spec: the good tunnel is generated", () => {
  const dir = tmp();
  const specs = join(dir, "specs");
  mkdirSync(specs);
  write(specs, "bad.json", spec({ description: "a\\ " }, "bad"));
  write(specs, "good.json", spec({}, "good"));
  const out = join(dir, "out");
  mkdirSync(out);
  const r = tunnelc(["generate", "--spec-dir", specs, out]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(join(out, "good.service")), readdirSync(out).join(" "));
  assert.match(readFileSync(join(out, "bad.service"), "utf8"), /BROKEN SPEC/);
});

test("a hostile spec's weakening choices are each warned of, located, and validate still exits 0", () => {
  const dir = tmp();
  const file = write(
    dir,
    "evil.json",
    JSON.stringify({
      name: "evil",
      server: "me@127.0.0.1",
      identity: "/etc/tunnelc/keys/k",
      user: "root",
      hardening: "none",
      ssh: { path: "/tmp/x/evil.sh" },
      forwards: [{ remote: 2222, to: "localhost:22" }],
    }),
  );
  const r = tunnelc(["validate", "--json", file]);
  assert.equal(r.status, 0, r.stderr);
  const env = JSON.parse(r.stdout) as {
    diagnostics: { severity: string; code: string; pointer: string; line: number }[];
  };
  const warned = env.diagnostics
    .filter((d) => d.severity === "warning")
    .map((d) => [d.code, d.pointer]);
  assert.deepEqual(warned.sort(), [
    ["weak/hardening", "/hardening"],
    ["weak/root", "/user"],
    ["weak/ssh-path", "/ssh/path"],
  ]);
  const text = tunnelc(["validate", file]);
  assert.match(text.stderr, /evil\.json:1:\d+: \/user: warning: ssh runs as root/);
});

const MASKS: { mask: string; warned?: RegExp }[] = [
  { mask: "0177" },
  { mask: "0077" },
  { mask: "0022" },
  { mask: "0", warned: /StreamLocalBindMask 0 lets every local account connect/ },
  { mask: "0157", warned: /StreamLocalBindMask 0157 lets the socket's group connect/ },
  { mask: "0175", warned: /StreamLocalBindMask 0175 lets every local account connect/ },
];

for (const c of MASKS)
  test(`StreamLocalBindMask ${c.mask}: ${c.warned ? "warned of at /ssh/options" : "no warning"}`, () => {
    const file = write(
      tmp(),
      "mask.json",
      JSON.stringify({
        name: "mask",
        server: "me@relay",
        identity: KEY,
        ssh: { options: { streamlocalbindmask: c.mask } },
        forwards: [{ remote: "/run/relay/s.sock", to: "localhost:22" }],
      }),
    );
    const r = tunnelc(["validate", "--json", file]);
    assert.equal(r.status, 0, r.stderr);
    const env = JSON.parse(r.stdout) as {
      diagnostics: { code: string; pointer: string; message: string }[];
    };
    const w = env.diagnostics.filter((d) => d.code === "weak/socket-mask");
    if (c.warned === undefined) return assert.deepEqual(w, []);
    assert.equal(w.length, 1);
    assert.equal(w[0]!.pointer, "/ssh/options");
    assert.match(w[0]!.message, c.warned);
  });

test("a fleet's weakening default is warned of once, where it is written", () => {
  const dir = tmp();
  const tunnels = Array.from({ length: 50 }, (_, i) => ({
    name: `d${i}`,
    identity: KEY,
    forwards: [{ remote: 3000 + i, to: "localhost:22" }],
  }));
  const file = write(
    dir,
    "fleet.json",
    JSON.stringify({ defaults: { server: "me@relay", hardening: "basic" }, tunnels }, null, 2),
  );
  const r = tunnelc(["validate", "--json", file]);
  assert.equal(r.status, 0, r.stderr);
  const env = JSON.parse(r.stdout) as {
    diagnostics: { code: string; pointer: string }[];
  };
  const weak = env.diagnostics.filter((d) => d.code === "weak/hardening");
  assert.deepEqual(
    weak.map((d) => d.pointer),
    ["/defaults/hardening"],
  );
});

// Each path field names one file one way: no "//", "." or ".." (identity, ssh.path, sockets).
const PATHS: [string, Record<string, unknown>, RegExp][] = [
  ["identity with ..", { identity: "/etc/tunnelc/keys/../../shadow" }, /\/identity: /],
  ["ssh.path with ..", { ssh: { path: "/usr/bin/../bin/ssh" } }, /\/ssh\/path: /],
  ["ssh.path with //", { ssh: { path: "/usr//bin/ssh" } }, /\/ssh\/path: /],
  // systemd reads "$" in the executable as it is: "$$HOME" would name a file of that name.
  ["ssh.path with $", { ssh: { path: "/usr/bin/$HOME" } }, /\/ssh\/path: /],
  [
    "a socket target with ..",
    { forwards: [{ local: "127.0.0.1:5432", to: "/run/app/../../etc/x.sock" }] },
    /\/forwards\/0\/to: the socket path .* has a "\." or "\.\." component/,
  ],
  [
    "a socket bind with //",
    { forwards: [{ local: "/run//x.sock", to: "db:5432" }] },
    /\/forwards\/0\/local: the socket path .* has "\/\/" in it/,
  ],
];

for (const [what, extra, where] of PATHS) {
  test(`${what}: refused, located, nothing written (exit 1)`, () => {
    const dir = tmp();
    const file = write(dir, "p.json", spec(extra));
    const r = tunnelc(["compile", file, "-o", join(dir, "out")]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, where);
    assert.equal(existsSync(join(dir, "out")), false);
  });
}

/** A host key of `length` characters that the schema accepts. */
const hostKey = (length: number, i: number) =>
  `ssh-ed25519 ${"A".repeat(length - 16)}${String(i).padStart(4, "0")}`;

test("32 host keys and 8 jump hosts (a 4.7 MB unit line): refused at /server/hostKeys, exit 1; the generator still makes the good spec's unit", () => {
  const keys = Array.from({ length: 32 }, (_, i) => hostKey(16384, i));
  const jump = Array.from({ length: 8 }, (_, j) => ({ host: `j${j}`, hostKeys: keys }));
  const big = spec({ name: "big", server: { host: "relay", hostKeys: keys, jump } }, "big");
  const dir = tmp();
  const file = write(dir, "big.json", big);
  const r = tunnelc(["compile", file, "-o", join(dir, "out")]);
  assert.equal(r.status, 1, r.stderr.slice(0, 2000));
  assert.match(
    r.stderr,
    /big\.json:\d+:\d+: \/server\/hostKeys: .*systemd reads lines of less than 1048576 bytes/,
  );
  assert.doesNotMatch(r.stderr, /internal error/);
  assert.equal(existsSync(join(dir, "out")), false);

  const specs = join(dir, "specs");
  mkdirSync(specs);
  write(specs, "big.json", big);
  write(specs, "good.json", spec({}, "good"));
  const out = join(dir, "gen");
  mkdirSync(out);
  const g = tunnelc(["generate", "--spec-dir", specs, out]);
  assert.equal(g.status, 0, g.stderr.slice(0, 2000));
  assert.ok(existsSync(join(out, "good.service")));
  // The broken unit that reports it stays small: no line of it near the limit.
  const broken = readFileSync(join(out, "big.service"), "utf8");
  assert.ok(Math.max(...broken.split("\n").map((l) => l.length)) < 64 * 1024);
});

test("host keys just within the bound compile to a unit systemd loads", (t) => {
  if (!needs(t, "systemd-analyze", hasSystemdAnalyze())) return;
  const keys = Array.from({ length: 32 }, (_, i) => hostKey(14000, i));
  const dir = tmp();
  const file = write(dir, "ok.json", spec({ server: { host: "relay", hostKeys: keys } }, "wide"));
  const out = join(dir, "out");
  const r = tunnelc(["compile", file, "-o", out]);
  assert.equal(r.status, 0, r.stderr.slice(0, 2000));
  const unit = join(out, "wide.service");
  // Each pinned key is a line of its own (render/handover.ts): 448 KB of them in one unit.
  const keyLines = readFileSync(unit, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("StandardInputText=ssh-known-hosts "));
  assert.equal(keyLines.length, 32);
  const bytes = keyLines.reduce((n, l) => n + l.length, 0);
  assert.ok(bytes > 400_000, `${bytes}`);
  const v = verifyUnits([unit]);
  assert.doesNotMatch(v.output, /too long|Failed to/i, v.output);
});

// The last line of defence, for what the checks above should never let through.
const tunnel = { file: "x.json", pointer: "/tunnels/3", specName: "x.json" } as ModelTunnel;

test("renderedOrProblem: a unit that cannot be escaped is the spec's located problem, not an exception", () => {
  const r = renderedOrProblem(tunnel, () => {
    throw new EscapeError('Description ends in "\\"');
  });
  assert.equal(r.problem?.code, "render/unwritable");
  assert.equal(r.problem?.pointer, "/tunnels/3");
  assert.throws(
    () =>
      renderedOrProblem(tunnel, () => {
        throw new TypeError("bug");
      }),
    TypeError,
  );
});

test("renderedOrProblem: a rendered line of 1 MiB is refused, one byte less is not", () => {
  const line = (n: number) => `[Service]\nExecStart=/usr/bin/ssh ${"a".repeat(n - 23)}\n`;
  assert.equal(
    renderedOrProblem(tunnel, () => line(1024 * 1024)).problem?.code,
    "render/line-too-long",
  );
  assert.equal(renderedOrProblem(tunnel, () => line(1024 * 1024 - 1)).problem, undefined);
});
