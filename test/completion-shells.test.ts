// The completion scripts as packages install them, read by the real shells: fish's syntax
// (fish -n) and what `complete -C` offers for a command line; zsh's, autoloaded from $fpath as
// _tunnelc, completing on its first call. Each asks the built CLI as an installed script does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI } from "./helpers/paths.ts";
import { hasTool, needs } from "./helpers/prereq.ts";
import { tunnelc } from "./helpers/run-cli.ts";

/** A directory with the script, `tunnelc` on PATH and a spec, as a user's machine has them. */
function setup(): { dir: string; script: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), "tunnelc-fish-"));
  const bin = join(dir, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "tunnelc"), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, "tunnelc"), 0o755);
  writeFileSync(join(dir, "home.json"), "{}");
  const r = tunnelc(["completion", "fish"]);
  assert.equal(r.status, 0, r.stderr);
  const script = join(dir, "tunnelc.fish");
  writeFileSync(script, r.stdout);
  // A zsh login shell must not change what fish is answered.
  return {
    dir,
    script,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, SHELL: "/bin/zsh" },
  };
}

/** fish's completions for a command line: one "word<TAB>description" per line. */
function complete(s: ReturnType<typeof setup>, line: string): string[] {
  const r = spawnSync("fish", ["--no-config", "-c", `source ${s.script}; complete -C '${line}'`], {
    cwd: s.dir,
    env: s.env,
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "");
  return r.stdout.split("\n").filter((l) => l !== "");
}

test("completion fish: the script, and the default when SHELL is fish", () => {
  const fish = tunnelc(["completion", "fish"], { env: { SHELL: "/bin/bash" } });
  assert.equal(fish.status, 0);
  assert.match(fish.stdout, /^complete -c tunnelc -f -a '\(__tunnelc_yargs_completions\)'$/m);
  assert.equal(tunnelc(["completion"], { env: { SHELL: "/usr/bin/fish" } }).stdout, fish.stdout);
});

test("fish reads the script and completes commands, options, choices and files", (t) => {
  if (!needs(t, "fish", hasTool("fish"))) return;
  const s = setup();
  const syntax = spawnSync("fish", ["--no-config", "-n", s.script], { encoding: "utf8" });
  assert.equal(syntax.status, 0, syntax.stderr);
  assert.deepEqual(complete(s, "tunnelc com"), [
    "compile\tCompile tunnel specs into systemd .service units",
    "completion\tPrint a shell completion script for bash, zsh or fish",
  ]);
  const options = complete(s, "tunnelc install --").map((l) => l.split("\t")[0]);
  for (const o of ["--enable", "--now", "--root", "--dry-run"]) assert.ok(options.includes(o), o);
  const shells = complete(s, "tunnelc completion ").map((l) => l.split("\t")[0]);
  for (const sh of ["bash", "zsh", "fish"]) assert.ok(shells.includes(sh), sh);
  // No word of tunnelc's own: the spec's file name.
  assert.deepEqual(complete(s, "tunnelc compile ho"), ["home.json"]);
});

test("zsh: _tunnelc autoloaded from $fpath completes on its first call; sourced, it registers", (t) => {
  if (!needs(t, "zsh", hasTool("zsh"))) return;
  const s = setup();
  const fp = join(s.dir, "fp");
  mkdirSync(fp);
  writeFileSync(join(fp, "_tunnelc"), tunnelc(["completion", "zsh"]).stdout);
  // compsys's _describe and compdef, stubbed to print what they are given.
  const stubs = `_describe() { print -l -- "\${reply[@]}" }; compdef() { print "compdef $*" }`;
  const zsh = (body: string) => {
    const r = spawnSync("zsh", ["-f", "-c", `${stubs}; ${body}`], {
      cwd: s.dir,
      env: s.env,
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split("\n").filter((l) => l !== "");
  };
  const first = zsh(
    `fpath=(${fp} $fpath); autoload -Uz _tunnelc; words=(tunnelc in); CURRENT=2; BUFFER="tunnelc in"; CURSOR=10; _tunnelc`,
  );
  assert.ok(
    first.some((l) => /^install(:|$)/.test(l)),
    first.join("\n"),
  );
  assert.deepEqual(zsh(`source ${join(fp, "_tunnelc")}`), [
    "compdef _tunnelc_yargs_completions tunnelc",
  ]);
});
