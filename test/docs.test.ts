// Generated documentation stays current: docs/reference.md (schema + --help) and the man page
// (docs/cli.md); the man page renders without groff warnings; completion scripts come out.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { CLI, ROOT } from "./helpers/paths.ts";
import { hasSystemdAnalyze } from "./helpers/systemd.ts";
import { hasTool, needs } from "./helpers/prereq.ts";
import { tunnelc } from "./helpers/run-cli.ts";
import { withImportTables } from "../scripts/import-tables.mjs";
// @ts-expect-error: plain ES modules without types
import { reference, COMMANDS } from "../scripts/reference.mjs";
// @ts-expect-error: plain ES modules without types
import { manPage } from "../scripts/man.mjs";

const read = (p: string) => readFileSync(join(ROOT, p), "utf8");
const prettier = (text: string) =>
  spawnSync(
    process.execPath,
    [join(ROOT, "node_modules/prettier/bin/prettier.cjs"), "--stdin-filepath", "docs/reference.md"],
    { input: text, encoding: "utf8", cwd: ROOT },
  ).stdout;

test("docs/reference.md is current (npm run docs)", () => {
  process.chdir(ROOT);
  assert.equal(prettier(reference() as string), read("docs/reference.md"));
});

test("the reference names every field of the schema", () => {
  const schema = JSON.parse(read("schemas/tunnel.schema.json")) as {
    $defs: Record<string, { properties?: Record<string, unknown> }>;
  };
  const doc = read("docs/reference.md");
  for (const def of [
    "tunnel",
    "seed",
    "server",
    "jumpHost",
    "remoteForward",
    "localForward",
    "dynamicForward",
  ]) {
    for (const field of Object.keys(schema.$defs[def]!.properties ?? {}))
      assert.ok(doc.includes(`${field}\``), `${def}.${field}`);
  }
  // COMMANDS comes from the CLI's own --help: a command added there needs a section here.
  for (const c of ["relay", "ssh-config", "init"]) assert.ok((COMMANDS as string[]).includes(c), c);
  for (const c of COMMANDS as string[]) assert.ok(doc.includes(`### tunnelc ${c}`), c);
});

test("man/tunnelc.1 is current (npm run docs)", () => {
  process.chdir(ROOT);
  const { version } = JSON.parse(read("package.json")) as { version: string };
  assert.equal(manPage(version), read("man/tunnelc.1"));
});

test("the man page renders without warnings", (t) => {
  if (!needs(t, "groff", hasTool("groff", ["--version"]))) return;
  const r = spawnSync("groff", ["-man", "-Tutf8", "-ww", "-z", join(ROOT, "man/tunnelc.1")], {
    encoding: "utf8",
  });
  assert.equal(r.status, 0);
  assert.equal(r.stderr, "");
  assert.ok(/^[\x00-\x7f]*$/.test(read("man/tunnelc.1")), "ASCII only: man(1) may not read UTF-8");
});

test("completion: a bash script, and a zsh one when SHELL is zsh", () => {
  const bash = tunnelc(["completion"], { env: { SHELL: "/bin/bash" } });
  assert.equal(bash.status, 0);
  assert.match(
    bash.stdout,
    /complete -o bashdefault -o default -F _tunnelc_yargs_completions tunnelc/,
  );
  const zsh = tunnelc(["completion"], { env: { SHELL: "/bin/zsh" } });
  assert.match(zsh.stdout, /^#compdef tunnelc/);
  const words = tunnelc(["--get-yargs-completions", "tunnelc", "install", "--"]).stdout.split("\n");
  for (const w of ["--enable", "--now", "--root", "--dry-run"]) assert.ok(words.includes(w), w);
});

test("every command that reports has --json", () => {
  for (const c of [
    "compile",
    "validate",
    "install",
    "uninstall",
    "status",
    "diff",
    "trust",
    "import",
    "doctor",
    "relay",
    "ssh-config",
    "keygen",
    "init",
  ]) {
    assert.match(tunnelc([c, "--help"]).stdout, /--json/, c);
  }
});

test("docs/cli.md's systemd-analyze verify line works as written", (t) => {
  const blocks = [...read("docs/cli.md").matchAll(/```sh verify-test\n([\s\S]*?)```/g)];
  assert.equal(blocks.length, 1);
  if (!needs(t, "systemd-analyze", hasSystemdAnalyze())) return;
  const dir = mkdtempSync(join(tmpdir(), "tunnelc-verify-"));
  mkdirSync(join(dir, "bin"));
  writeFileSync(
    join(dir, "bin", "tunnelc"),
    `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`,
    {
      mode: 0o755,
    },
  );
  copyFileSync(join(ROOT, "docs", "examples", "phone-home.json"), join(dir, "home.json"));
  // The line as documented, with its /tmp/units moved into this test's own directory.
  const line = blocks[0]![1]!.replaceAll("/tmp/units", join(dir, "units"));
  const r = spawnSync("bash", ["-euo", "pipefail", "-c", line], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, PATH: `${join(dir, "bin")}:${process.env.PATH}`, NO_COLOR: "1" },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr.replace(/^wrote .*\n/gm, ""), "");
  // What the docs used to say, and why they no longer do.
  const piped = spawnSync(
    "bash",
    ["-c", "tunnelc compile home.json | systemd-analyze verify /dev/stdin"],
    {
      cwd: dir,
      env: { ...process.env, PATH: `${join(dir, "bin")}:${process.env.PATH}` },
    },
  );
  assert.notEqual(piped.status, 0);
});

test("docs/architecture.md names every module of src/ (commands as src/commands/*.ts)", () => {
  const doc = readFileSync(join(ROOT, "docs", "architecture.md"), "utf8");
  assert.match(doc, /`src\/commands\/\*\.ts`/);
  const modules = (readdirSync(join(ROOT, "src"), { recursive: true }) as string[]).filter(
    (f) => f.endsWith(".ts") && !f.startsWith("commands/") && !f.includes("generated"),
  );
  assert.ok(modules.length > 50, `${modules.length} modules`);
  const missing = modules.filter((f) => !doc.includes(basename(f)));
  assert.deepEqual(missing, []);
});

test("docs/import.md's tables are the ones import reads (npm run docs)", () => {
  const page = read("docs/import.md");
  const expected = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules/prettier/bin/prettier.cjs"), "--stdin-filepath", "docs/import.md"],
    { input: withImportTables(page), encoding: "utf8", cwd: ROOT },
  ).stdout;
  assert.equal(page, expected);
});
