// The first hour, tried as a new user would on a host where systemd is not PID 1: each row is one
// thing that went wrong there, run through the real CLI, with what it must do now.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./helpers/paths.ts";
import { tunnelc } from "./helpers/run-cli.ts";
import { codeFrame, LineIndex } from "../src/specfile/source.ts";

const OFFICE = join(ROOT, "docs", "examples", "office.json");
const USER_SPEC = JSON.stringify({
  name: "fh",
  scope: "user",
  server: "me@192.0.2.1",
  forwards: [{ remote: 2222, to: "localhost:22" }],
});

const work = (): string => mkdtempSync(join(tmpdir(), "tunnelc-first-"));

/**
 * A systemctl on PATH that answers is-system-running with `state` and records every call: the
 * host's own systemctl is never reached, and user scope keeps every write below the work tree.
 */
function fakeSystemd(w: string, state: "offline" | "running"): NodeJS.ProcessEnv {
  const bin = join(w, "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, "systemctl"),
    [
      "#!/bin/sh",
      `echo "$*" >> "${w}/calls"`,
      `if [ "$1" = is-system-running ]; then echo ${state}; exit ${state === "running" ? 0 : 1}; fi`,
      "exit 0",
      "",
    ].join("\n"),
  );
  chmodSync(join(bin, "systemctl"), 0o755);
  writeFileSync(join(w, "u.json"), USER_SPEC);
  return { PATH: `${bin}:${process.env.PATH}`, XDG_CONFIG_HOME: join(w, "cfg"), HOME: w };
}
const calls = (w: string): string[] =>
  existsSync(join(w, "calls")) ? readFileSync(join(w, "calls"), "utf8").trim().split("\n") : [];
const unitFile = (w: string) => join(w, "cfg", "systemd", "user", "fh.service");

const NO_SYSTEMD = /systemd is not running on this host \(systemctl is-system-running: offline\)/;

for (const args of [
  ["install", "u.json", "--user", "--enable", "--now"],
  ["install", "u.json", "--user", "--enable", "--now", "--dry-run"],
  ["install", "u.json", "--user"],
  ["install", "u.json", "--user", "--enable", "--now", "--json"],
]) {
  test(`no running systemd: ${args.join(" ")} is refused before anything is written`, () => {
    const w = work();
    const env = fakeSystemd(w, "offline");
    const r = tunnelc(args, { cwd: w, env });
    assert.equal(r.status, 1, r.stderr);
    assert.match(args.includes("--json") ? r.stdout : r.stderr, NO_SYSTEMD);
    assert.match(r.stderr + r.stdout, /--root \//, "says how to go ahead");
    assert.equal(existsSync(unitFile(w)), false, "nothing written");
    assert.deepEqual(calls(w), ["is-system-running"], "no daemon-reload, enable or start");
  });
}

test("no running systemd: uninstall refuses and leaves the unit; with systemd it goes on", () => {
  const w = work();
  const up = fakeSystemd(w, "running");
  assert.equal(tunnelc(["install", "u.json", "--user"], { cwd: w, env: up }).status, 0);
  assert.ok(existsSync(unitFile(w)));
  const down = fakeSystemd(w, "offline");
  const r = tunnelc(["uninstall", "fh", "--user"], { cwd: w, env: down });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, NO_SYSTEMD);
  assert.ok(existsSync(unitFile(w)), "the unit is still there");
  const gone = tunnelc(["uninstall", "fh", "--user"], { cwd: w, env: fakeSystemd(w, "running") });
  assert.equal(gone.status, 0, gone.stderr);
  assert.equal(existsSync(unitFile(w)), false);
});

test("with systemd running, install goes on and reloads (the check is not a refusal of all)", () => {
  const w = work();
  const r = tunnelc(["install", "u.json", "--user", "--enable"], {
    cwd: w,
    env: fakeSystemd(w, "running"),
  });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(unitFile(w)));
  assert.deepEqual(calls(w), [
    "is-system-running",
    "--user daemon-reload",
    "--user enable fh.service",
  ]);
});

test("no running systemd: install --root / is the way for the next boot (dry run)", () => {
  const w = work();
  copyFileSync(OFFICE, join(w, "office.json"));
  const r = tunnelc(["install", "office.json", "--enable", "--root", "/", "--dry-run"], {
    cwd: w,
    env: fakeSystemd(w, "offline"),
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /would run: systemctl --root=\/ enable/);
});

test("generate --spec-dir is repeatable and made absolute (SourcePath= must be)", () => {
  const w = work();
  for (const d of ["a", "b"]) mkdirSync(join(w, d));
  copyFileSync(OFFICE, join(w, "b", "office.json"));
  const r = tunnelc(["generate", "--dry-run", "--json", "--spec-dir", "a", "--spec-dir", "b"], {
    cwd: w,
  });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { files: { path: string; text: string }[] };
  const unit = report.files.find((f) => f.path.endsWith("office-reverse.service"));
  assert.ok(unit, "b's spec generated");
  assert.match(unit.text, new RegExp(`^SourcePath=${join(w, "b", "office.json")}$`, "m"));
  const status = report.files.find((f) => f.path.endsWith(".status"));
  assert.deepEqual(JSON.parse(status!.text).specDirs, [join(w, "a"), join(w, "b")]);
});

for (const [make, says] of [
  [(_w: string) => "missing", /--spec-dir missing: no such directory/],
  [
    (w: string) => {
      writeFileSync(join(w, "f"), "");
      return "f";
    },
    /--spec-dir f: not a directory/,
  ],
] as const) {
  test(`generate --spec-dir refuses ${says.source}`, () => {
    const w = work();
    const r = tunnelc(["generate", "--dry-run", "--json", "--spec-dir", make(w)], { cwd: w });
    assert.equal(r.status, 2);
    assert.match(r.stdout, says);
  });
}

// [arguments, the one message stderr must hold, and what it must not]
const USAGE: [string[], RegExp, RegExp?][] = [
  [["compile", "--jsn", "office.json"], /unknown option --jsn; did you mean --json\?/, /missing/],
  [["compile", "office.json", "--jsn"], /unknown option --jsn; did you mean --json\?/],
  [["instal", "office.json"], /unknown command "instal"; did you mean install\?/, /office\.json/],
  [["instal", "office.json", "--jsn"], /unknown command "instal"/, /jsn/],
  [["compile", "office.json", "--no-output"], /-o\/--output takes a value/],
  [
    ["install", "office.json", "--root", "/typo/path"],
    /--root \/typo\/path: neither it nor \/typo exists/,
  ],
  [["keygen", "k", "--root", "office.json"], /--root office\.json: not a directory/],
  [["compile", "office.json", "-o", "office.json"], /-o office\.json: not a directory/],
];

for (const [args, says, not] of USAGE) {
  test(`usage: tunnelc ${args.join(" ")}`, () => {
    const w = work();
    copyFileSync(OFFICE, join(w, "office.json"));
    const r = tunnelc(args, { cwd: w });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, says);
    if (not) assert.doesNotMatch(r.stderr.split("\n")[0]!, not);
    assert.equal(existsSync("/typo"), false, "--root is never created");
  });
}

test("-o into /proc fails at once with the reason, never spins", () => {
  const w = work();
  copyFileSync(OFFICE, join(w, "office.json"));
  const r = spawnSync(
    process.execPath,
    [join(ROOT, "bin/tunnelc.cjs"), "compile", "office.json", "-o", "/proc/tunnelc-x"],
    {
      cwd: w,
      encoding: "utf8",
      timeout: 20_000,
    },
  );
  assert.equal(r.error, undefined, "finished");
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, /cannot write units to \/proc\/tunnelc-x: no such file or directory/);
});

test("the spec init writes says the install command that works beside it", () => {
  const w = work();
  const r = tunnelc(
    [
      "init",
      "home.json",
      "--name",
      "home",
      "--server",
      "me@192.0.2.1",
      "-R",
      "2222:localhost:22",
      "--root",
      w,
    ],
    { cwd: w },
  );
  assert.equal(r.status, 0, r.stderr);
  const said = /`(tunnelc install [^`]*)`/.exec(readFileSync(join(w, "home.json"), "utf8"));
  assert.equal(said?.[1], "tunnelc install ./home.json --enable --now");
  // As written, beside the spec, it reads that spec (not /etc/tunnelc): checked with --dry-run
  // below --root, where --now cannot apply.
  const words = said[1]!
    .split(" ")
    .slice(1)
    .filter((a) => a !== "--now");
  const run = tunnelc([...words, "--dry-run", "--root", w], { cwd: w });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /would create .*\/home\.service/);
});

test("doctor's hint for a missing key is a command that works when pasted", () => {
  const w = work();
  writeFileSync(
    join(w, "k.json"),
    JSON.stringify({
      name: "fhk",
      server: "me@192.0.2.1",
      identity: join(w, "no", "such", "dir", "key"),
      forwards: [{ remote: 2222, to: "localhost:22" }],
    }),
  );
  const r = tunnelc(["doctor", "k.json"], { cwd: w });
  const hint = /hint: create it \(as root\): (.*)$/m.exec(r.stdout + r.stderr)?.[1];
  assert.ok(hint, r.stdout + r.stderr);
  const made = spawnSync("sh", ["-c", hint], { encoding: "utf8" });
  assert.equal(made.status, 0, made.stderr);
  assert.ok(existsSync(join(w, "no", "such", "dir", "key")));
});

test("a trailing comma is one error, at the comma, that says so", () => {
  const w = work();
  writeFileSync(join(w, "t.json"), '{"name": "a",\n "server": "x@y",\n}\n');
  const r = tunnelc(["validate", "t.json"], { cwd: w });
  assert.equal(r.status, 1);
  const located = r.stderr.split("\n").filter((l) => /^t\.json:\d+:\d+:/.test(l));
  assert.deepEqual(located, [
    "t.json:2:17: /: invalid JSON: trailing comma (JSON allows none before a closing '}' or ']'): remove it",
  ]);
});

test("a top-level field that belongs one level down points there", () => {
  const w = work();
  writeFileSync(
    join(w, "j.json"),
    JSON.stringify({ name: "a", server: "me@h", jump: "j@x", forwards: [{ remote: 1, to: "2" }] }),
  );
  const r = tunnelc(["validate", "j.json"], { cwd: w });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /\/jump: unknown field "jump" here; did you mean \/server\/jump\?/);
  assert.doesNotMatch(r.stderr, /expected one of/);
});

// [line, column, length]: the underline stays under the text shown, never past its "…".
const FRAMES: [string, number, number][] = [
  ["x".repeat(400), 150, 100],
  ["x".repeat(400), 300, 200],
  ["x".repeat(400), 5, 500],
  ["x".repeat(50), 51, 3],
];
for (const [line, column, length] of FRAMES) {
  test(`code frame of a ${line.length}-character line at column ${column}, length ${length}`, () => {
    const [text, under] = codeFrame(new LineIndex(line), 1, column, length).split("\n") as [
      string,
      string,
    ];
    const start = under.indexOf("^");
    const end = under.lastIndexOf("^");
    assert.ok(start >= 0);
    const shown = text.slice("  1 | ".length);
    const caretAt = start - "    | ".length;
    const shownEnd = shown.endsWith("…") ? shown.length - 1 : Math.max(shown.length, caretAt + 1);
    assert.ok(end - "    | ".length < shownEnd, `underline ends under the text: ${under}`);
    if (column <= line.length) assert.equal(shown[caretAt], "x", "the caret is under the problem");
  });
}

test("help never glues a description to its type, at any width", () => {
  const commands = ["init", "keygen", "compile", "validate", "install", "uninstall", "status"];
  for (const c of [...commands, "diff", "trust", "relay", "ssh-config", "doctor", "generate"])
    for (const columns of [40, 50, 60, 70, 80, 100]) {
      const r = tunnelc([c, "--help"], { env: { COLUMNS: String(columns) } });
      assert.equal(r.status, 0);
      const glued = r.stdout.split("\n").find((l) => /\S\[(string|array|boolean|default)/.test(l));
      assert.equal(glued, undefined, `${c} at ${columns}: ${glued}`);
    }
});

test("the man page renders within 80 columns", (t) => {
  const r = spawnSync("groff", ["-man", "-Tutf8", "-rLL=80n", join(ROOT, "man/tunnelc.1")], {
    encoding: "utf8",
  });
  if (r.error) {
    if (process.env.CI === "true") assert.fail("groff missing in CI");
    t.skip("groff not installed");
    return;
  }
  const plain = r.stdout.replace(/\x1b\[[0-9;]*m/g, "").replace(/.\x08/g, "");
  const wide = plain.split("\n").filter((l) => [...l].length > 80);
  assert.deepEqual(wide, []);
});

test("the README's first command leaves git status clean (out/ is ignored)", () => {
  const r = spawnSync("git", ["check-ignore", "-q", "out/office-reverse.service"], { cwd: ROOT });
  assert.equal(r.status, 0, "out/ is in .gitignore");
  assert.match(readFileSync(join(ROOT, "README.md"), "utf8"), /-o out\b/);
});
