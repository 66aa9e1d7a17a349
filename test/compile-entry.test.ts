// `compile` has two entries (bin/tunnelc.cjs): its own bundle (dist/compile.cjs,
// src/compile-main.ts) for the command lines its leanArgs takes, the full CLI (dist/cli.cjs) for
// the rest. Both must say and write the same bytes: each command line below runs through the
// lean entry in a copy of the package that has no dist/cli.cjs (so it cannot have fallen back),
// and through the full CLI run directly, each in a fresh copy of the same files, and the two
// are compared: stdout, stderr, exit status and every file left behind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { leanArgs } from "../src/compile-main.ts";
import { CLI, ROOT } from "./helpers/paths.ts";
import { hasTool, needs } from "./helpers/prereq.ts";
import { fleetSpecText } from "./helpers/fleet-spec.ts";

const work = mkdtempSync(join(tmpdir(), "tunnelc-compile-entry-"));
const FULL = join(ROOT, "dist", "cli.cjs");

/** The package with the lean bundle and no full CLI: a fallback would fail loudly. */
const leanOnly = join(work, "pkg");
mkdirSync(join(leanOnly, "bin"), { recursive: true });
mkdirSync(join(leanOnly, "dist"));
copyFileSync(CLI, join(leanOnly, "bin", "tunnelc.cjs"));
for (const f of readdirSync(join(ROOT, "dist")).filter((f) => f.startsWith("compile.cjs")))
  copyFileSync(join(ROOT, "dist", f), join(leanOnly, "dist", f));
const LEAN = join(leanOnly, "bin", "tunnelc.cjs");

const phoneHome = readFileSync(join(ROOT, "docs/examples/phone-home.json"), "utf8");
const FILES: Record<string, string> = {
  "good.json": phoneHome,
  "warn.json": phoneHome.replace('"bindPort": 2222', '"bindPort": 80'),
  "bad.json":
    '{\n  "name": "x",\n  "server": { "host": "h" },\n  "forwards": [{ "remote": 70000 }],\n}\n',
  "broken.json": '{ "name": ',
  "fleet.json": readFileSync(join(ROOT, "docs/examples/fleet.json"), "utf8"),
  "office.json": readFileSync(join(ROOT, "docs/examples/office.json"), "utf8"),
  "taken/ssh-phone-home.service": "[Unit]\nDescription=someone else's\n",
  "a-file": "not a directory\n",
};

/** A fresh directory holding FILES. */
function fixture(): string {
  const dir = mkdtempSync(join(work, "case-"));
  for (const [name, text] of Object.entries(FILES)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Every file below `dir` but the fixture's own, with its text and mode. */
function leftIn(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!f.isFile()) continue;
    const path = relative(dir, join(f.parentPath, f.name));
    const text = readFileSync(join(dir, path), "utf8");
    if (FILES[path] === text) continue;
    out[path] = `${(statSync(join(dir, path)).mode & 0o7777).toString(8)} ${text}`;
  }
  return out;
}

interface Seen {
  status: number | null;
  stdout: string;
  stderr: string;
  files: Record<string, string>;
}

function run(entry: string, args: string[], input: string | undefined): Seen {
  const cwd = fixture();
  const r = spawnSync(process.execPath, [entry, ...args], {
    cwd,
    input: input ?? "",
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "", TUNNELC_DEBUG: "" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, files: leftIn(cwd) };
}

/** [command line, stdin]: each is taken by the lean entry (leanArgs says so, asserted). */
const LEAN_LINES: [string[], string?][] = [
  [["good.json"]],
  [["good.json", "-o", "-"]],
  [["good.json", "--output", "out"]],
  [["-o", "out", "good.json", "office.json"]],
  [["good.json", "--json"]],
  [["--json", "good.json", "-o", "out"]],
  [["warn.json"]],
  [["warn.json", "--json"]],
  [["bad.json"]],
  [["bad.json", "--json"]],
  [["broken.json", "good.json"]],
  [["missing.json"]],
  [["missing.json", "--json"]],
  [["taken"]],
  [["good.json", "-o", "taken"]],
  [["good.json", "-o", "taken", "--json"]],
  [["good.json", "-o", "a-file"]],
  [["good.json", "good.json"]],
  [["-"], phoneHome],
  [["-", "--json"], FILES["bad.json"]],
  [["-", "-o", "out"], phoneHome],
  [["fleet.json", "--only", "pi-kitchen", "-o", "out"]],
  [["fleet.json", "--only", "nosuch"]],
  [["good.json", "-o", "out", "--preset", "80-tunnelc.preset"]],
  [["good.json", "--preset", "bad name"]],
  [["fleet.json", "-o", "out", "--sysusers", "sysusers.d", "--tmpfiles", "tmpfiles.d"]],
  [["office.json", "--sysusers", "s", "--json"]],
];

/** Command lines the lean entry leaves to the full CLI (leanArgs is undefined for each). */
const FULL_LINES: string[][] = [
  [],
  ["--help"],
  ["good.json", "--root", "root"],
  ["good.json", "-o"],
  ["good.json", "-o", "--json"],
  ["good.json", "-o", ""],
  ["good.json", "-o", "a", "-o", "b"],
  ["good.json", "--output=-"],
  ["good.json", "--json", "--json"],
  ["good.json", "--jsn"],
  ["good.json", "--"],
  ["good.json", "--", "x"],
  ["good.json", ""],
  ["-x", "good.json"],
  ["good.json", "--only", "-"],
  ["good.json", "--preset", "-p"],
  ["good.json", "--no-json"],
  // yargs reads the word after a switch as its value when it is true or false, and a last
  // positional "help" as its help command.
  ["good.json", "--json", "true"],
  ["bad.json", "--json", "false"],
  ["--json", "false", "good.json", "-o", "out"],
  ["good.json", "help"],
  ["good.json", "-o", "out", "help"],
];

test("leanArgs: what the lean compile takes, as the full CLI reads it; the rest is left to it", () => {
  assert.deepEqual(leanArgs(["compile", "a", "-o", "d", "--json", "--only", "x", "b"]), {
    specs: ["a", "b"],
    output: "d",
    only: "x",
    json: true,
  });
  assert.deepEqual(leanArgs(["compile", "-", "-o", "-"]), {
    specs: ["/dev/stdin"],
    output: "-",
    json: false,
  });
  assert.equal(leanArgs(["validate", "a"]), undefined);
  for (const [line] of LEAN_LINES)
    assert.notEqual(leanArgs(["compile", ...line]), undefined, line.join(" "));
  for (const line of FULL_LINES)
    assert.equal(leanArgs(["compile", ...line]), undefined, line.join(" "));
});

test("the lean compile says and writes what the full CLI does, byte for byte", () => {
  const statuses = new Set<number | null>();
  for (const [line, input] of LEAN_LINES) {
    const args = ["compile", ...line];
    const lean = run(LEAN, args, input);
    const full = run(FULL, args, input);
    assert.deepEqual(lean, full, args.join(" "));
    statuses.add(lean.status);
  }
  // The table covers what it claims: successes, failures of each kind, and files written.
  assert.deepEqual([...statuses].sort(), [0, 1, 2, 3]);
});

test("command lines the lean compile does not take run the full CLI through bin/tunnelc.cjs", () => {
  for (const line of FULL_LINES) {
    const args = ["compile", ...line];
    const viaBin = run(CLI, args, undefined);
    assert.deepEqual(viaBin, run(FULL, args, undefined), args.join(" "));
    // Without dist/cli.cjs the package cannot run them: they did not stay in the lean bundle.
    assert.match(run(LEAN, args, undefined).stderr, /cli\.cjs/, args.join(" "));
  }
  // `--json false` is no JSON, for a failure too (src/cli-args.ts wantsJson, as yargs reads it).
  const plain = run(CLI, ["compile", "bad.json", "--json", "false"], undefined);
  assert.equal(plain.status, 1);
  assert.equal(plain.stdout, "");
  assert.match(plain.stderr, /^bad\.json:4:36: /);
});

test("on a terminal, both entries colour a spec's problems alike", (t) => {
  if (!needs(t, "script(1)", hasTool("script", ["--version"]))) return;
  const onPty = (entry: string) => {
    const cwd = fixture();
    const r = spawnSync(
      "script",
      ["-qec", `"${process.execPath}" "${entry}" compile bad.json warn.json`, "/dev/null"],
      { cwd, encoding: "utf8", timeout: 20_000, env: { ...process.env, NO_COLOR: "" } },
    );
    return { status: r.status, out: r.stdout };
  };
  const lean = onPty(LEAN);
  assert.deepEqual(lean, onPty(FULL));
  assert.equal(lean.status, 1);
  assert.match(lean.out, /\u001b\[31m/, "red on a terminal");
  assert.match(lean.out, /\u001b\[1m1 error, 1 warning\u001b\[22m/, "the summary in bold");
});

test("units beyond a pipe's buffer, read slowly, reach the reader whole from both entries", async () => {
  // The full CLI's process.stdout makes the pipe non-blocking: src/print.ts's writes then meet
  // EAGAIN once the pipe is full and must wait for the reader, losing no byte and letting
  // nothing written after them go first.
  const names = Array.from({ length: 600 }, (_, i) => `d${i}`);
  const cwd = fixture();
  writeFileSync(join(cwd, "many.json"), fleetSpecText(names));
  /** What `command` writes to its stdout, read only once it has filled the pipe. */
  const readLate = async (command: string, args: string[]) => {
    const child = spawn(command, args, { cwd });
    await new Promise((r) => setTimeout(r, 300));
    const chunks: Buffer[] = [];
    for await (const c of child.stdout) chunks.push(c as Buffer);
    const [status] = (await once(child, "close")) as [number];
    return { status, bytes: Buffer.concat(chunks) };
  };
  const slowly = (entry: string) => readLate(process.execPath, [entry, "compile", "many.json"]);
  const lean = await slowly(LEAN);
  const full = await slowly(FULL);
  assert.equal(lean.status, 0);
  assert.ok(lean.bytes.length > 1_000_000, `${lean.bytes.length} bytes`);
  assert.deepEqual(full, lean);
  // With stderr on the same pipe (2>&1), what goes to stderr after the units comes after them.
  for (const entry of [LEAN, FULL]) {
    const both = await readLate("sh", [
      "-c",
      `"${process.execPath}" "${entry}" compile many.json --preset p.preset 2>&1`,
    ]);
    assert.equal(both.status, 0, entry);
    assert.ok(
      both.bytes.equals(Buffer.concat([lean.bytes, Buffer.from("wrote p.preset\n")])),
      entry,
    );
  }
  // And a reader that goes away early (`| head -c 100`) ends neither with an error.
  for (const entry of [LEAN, FULL]) {
    const child = spawn(process.execPath, [entry, "compile", "many.json"], { cwd });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += String(d)));
    child.stdout.once("data", () => child.stdout.destroy());
    const [status] = (await once(child, "close")) as [number];
    assert.deepEqual([status, stderr], [0, ""], entry);
  }
});

test("the lean bundle holds no argument parser and no other command", () => {
  const bundle = readFileSync(join(ROOT, "dist", "compile.cjs"), "utf8");
  assert.ok(existsSync(FULL));
  assert.ok(bundle.length < readFileSync(FULL, "utf8").length / 1.5);
  assert.ok(!/yargs|diffLines|ssh-keygen -t/.test(bundle));
});
