// Arguments are checked before any command acts: a misspelt, mistyped, missing or conflicting
// option exits 2 with a message naming it, and leaves every file byte for byte as it was.
// And the help: wrapped between words at any width, --version only at the top level.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ROOT } from "./helpers/paths.ts";
import { tunnelc } from "./helpers/run-cli.ts";

const OFFICE = join(ROOT, "docs", "examples", "office.json");

/** A work tree: the spec, a --root with office's units installed, an output dir with units. */
function workTree(): string {
  const w = mkdtempSync(join(tmpdir(), "tunnelc-args-"));
  copyFileSync(OFFICE, join(w, "office.json"));
  for (const dir of ["R/etc/systemd/system", "out"]) {
    mkdirSync(join(w, dir), { recursive: true });
    const r = tunnelc(["compile", "office.json", "-o", dir], { cwd: w });
    assert.equal(r.status, 0, r.stderr);
  }
  return w;
}

/** Every file and directory below `dir`, with a hash of each file's bytes and its mode. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    const st = statSync(path);
    out[relative(dir, path)] = st.isDirectory()
      ? `dir ${st.mode}`
      : `${st.mode} ${createHash("sha256").update(readFileSync(path)).digest("hex")}`;
  }
  return out;
}

// [arguments, what stderr must say]
const CASES: [string[], RegExp][] = [
  [
    ["install", "office.json", "--root", "R", "--enable", "--dry-rn"],
    /--dry-rn; did you mean --dry-run\?/,
  ],
  [["uninstall", "office-db", "--root", "R", "--dryrun"], /--dryrun; did you mean --dry-run\?/],
  [["compile", "office.json", "-o", "out", "--bogus"], /unknown option --bogus\n/],
  [["compile", "office.json", "-o", "out", "--josn"], /--josn; did you mean --json\?/],
  [["compile", "office.json", "--ouptut", "out"], /--ouptut; did you mean --output\?/],
  [["validate", "office.json", "--jsn"], /--jsn; did you mean --json\?/],
  [["schema", "--jsno"], /unknown option --jsno/],
  [["status", "--root", "R", "--usr"], /--usr; did you mean --user\?/],
  [["diff", "office.json", "--root", "R", "--exit-cod"], /--exit-cod; did you mean --exit-code\?/],
  [["trust", "office.json", "--dry-rn"], /--dry-rn; did you mean --dry-run\?/],
  [["import", "tunnel.service", "--instanse", "x"], /--instanse; did you mean --instance\?/],
  [
    ["init", "new.json", "--server", "h", "-R", "2222:localhost:22", "--forse"],
    /--forse; did you mean --force\?/,
  ],
  [["keygen", "office-db", "--root", "R", "--forse"], /--forse; did you mean --force\?/],
  [["generate", "out", "--dry-rn"], /--dry-rn; did you mean --dry-run\?/],
  [["generator", "install", "--root", "R", "--dryrun"], /--dryrun; did you mean --dry-run\?/],
  [["doctor", "office.json", "--jsonn"], /--jsonn; did you mean --json\?/],
  [["relay", "office.json", "--sshd-conf"], /--sshd-conf; did you mean --sshd-config\?/],
  [["ssh-config", "office.json", "--relay-usr", "me"], /--relay-usr; did you mean --relay-user\?/],
  [["completion", "bash", "--shel"], /unknown option --shel/],
  [["instal", "office.json", "--root", "R"], /unknown command "instal"; did you mean install\?/],
  // missing values
  [["compile", "office.json", "-o"], /-o\/--output needs a value/],
  [["compile", "office.json", "-o", "--json"], /-o\/--output needs a value/],
  [["compile", "office.json", "--output="], /-o\/--output needs a value/],
  [["install", "office.json", "--root"], /--root needs a value/],
  [["uninstall", "office-db", "--root", "--dry-run"], /--root needs a value/],
  [["init", "new.json", "--server", "h", "-R"], /-R needs a value/],
  // wrong types
  [
    ["install", "office.json", "--root", "R", "--dry-run=no"],
    /--dry-run is a switch: it takes no value/,
  ],
  [["uninstall", "office-db", "--root", "R", "--json=yes"], /--json is a switch/],
  [["compile", "office.json", "--no-output"], /-o\/--output takes a value/],
  [["install", "office.json", "--root", "R", "--root", "S"], /--root is given more than once/],
  [["compile", "office.json", "--root", "R", "-o", "out"], /--root R and -o out both say where/],
  [["completion", "tcsh"], /shell must be one of "bash", "zsh", "fish" \(got "tcsh"\)/],
  [["schema", "extra"], /unexpected argument "extra"/],
  // conflicts
  [["install", "office.json", "--root", "R", "--enable", "--now"], /--now needs a running manager/],
];

for (const [args, message] of CASES)
  test(`refused before acting: tunnelc ${args.join(" ")}`, () => {
    const w = workTree();
    const before = snapshot(w);
    const r = tunnelc(args, { cwd: w, input: "" });
    assert.equal(r.status, 2, r.stderr);
    if (args.includes("--json")) {
      // Asked for JSON: the usage error is the envelope on stdout, nothing on stderr.
      const report = JSON.parse(r.stdout) as { ok: boolean; diagnostics: { message: string }[] };
      assert.equal(report.ok, false);
      assert.match(report.diagnostics.map((d) => d.message).join("\n"), message);
      assert.equal(r.stderr, "");
    } else {
      assert.match(r.stderr, message);
      assert.equal(r.stdout, "");
    }
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    assert.deepEqual(snapshot(w), before, "the tree is unchanged");
  });

test("the same commands without the typo do act (the table's trees can change)", () => {
  const w = workTree();
  const before = snapshot(w);
  const r = tunnelc(["compile", "office.json", "-o", "out2"], { cwd: w });
  assert.equal(r.status, 0, r.stderr);
  assert.notDeepEqual(snapshot(w), before);
});

const COMMANDS = [
  "init",
  "keygen",
  "compile",
  "validate",
  "install",
  "uninstall",
  "status",
  "diff",
  "trust",
  "import",
  "relay",
  "ssh-config",
  "doctor",
  "schema",
  "generator",
  "generate",
  "completion",
];

test("the tables cover every command the CLI lists", () => {
  const top = tunnelc(["--help"], { env: { COLUMNS: "100" } });
  const listed = [...top.stdout.matchAll(/^ {2}tunnelc ([a-z-]+)/gm)].map((m) => m[1]!);
  assert.ok(listed.length >= COMMANDS.length, top.stdout);
  assert.deepEqual([...listed].sort(), [...COMMANDS].sort());
  const misspelt = new Set(CASES.map(([args]) => args[0]));
  for (const c of listed) assert.ok(misspelt.has(c), `no refusal case for ${c}`);
});

const help = (args: string[], columns: number) =>
  tunnelc([...args, "--help"], { env: { COLUMNS: String(columns) } });
const words = (text: string) => text.split(/\s+/).filter(Boolean).sort();

for (const command of [undefined, ...COMMANDS]) {
  const args = command ? [command] : [];
  test(`help of ${command ?? "tunnelc"} wraps between words at 80, 100 and 120 columns`, () => {
    const wide = help(args, 100);
    assert.equal(wide.status, 0, wide.stderr);
    for (const columns of [80, 100, 120]) {
      const r = help(args, columns);
      assert.equal(r.status, 0);
      for (const line of r.stdout.split("\n"))
        assert.ok(line.length <= Math.min(columns, 100), `${columns}: ${line}`);
      // Wrapping moves words to other lines; breaking one would change the words.
      assert.deepEqual(words(r.stdout), words(wide.stdout), `${columns} columns`);
    }
  });
}

for (const command of COMMANDS)
  test(`${command} --help: no --version, every positional described`, () => {
    const r = help([command], 100);
    assert.equal(r.status, 0);
    assert.doesNotMatch(r.stdout, /--version/);
    const positionals = /\nPositionals:\n((?: {2}.*\n)+)/.exec(r.stdout)?.[1] ?? "";
    for (const line of positionals.split("\n").filter(Boolean))
      assert.match(line, /^ {2}\S+ +[a-z(].*\[/, `described: ${line}`);
  });

test("--version only at the top level; the epilogue points at the man page", () => {
  assert.match(help([], 100).stdout, /--version/);
  assert.match(help([], 100).stdout, /See man tunnelc\./);
  assert.doesNotMatch(help([], 100).stdout, /docs\/cli\.md/);
});

test("completion bash and zsh print that shell's script; --help prints help", () => {
  const bash = tunnelc(["completion", "bash"], { env: { SHELL: "/bin/zsh" } });
  assert.equal(bash.status, 0);
  assert.match(
    bash.stdout,
    /^complete -o bashdefault -o default -F _tunnelc_yargs_completions tunnelc$/m,
  );
  const zsh = tunnelc(["completion", "zsh"], { env: { SHELL: "/bin/bash" } });
  assert.equal(zsh.status, 0);
  assert.match(zsh.stdout, /^#compdef tunnelc\n/);
  assert.match(zsh.stdout, /^ +compdef _tunnelc_yargs_completions tunnelc$/m);
  assert.equal(tunnelc(["completion"], { env: { SHELL: "/bin/bash" } }).stdout, bash.stdout);
  assert.equal(tunnelc(["completion"], { env: { SHELL: "/usr/bin/zsh" } }).stdout, zsh.stdout);
  const h = tunnelc(["completion", "--help"]);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /^tunnelc completion \[shell\]/);
  assert.doesNotMatch(h.stdout, /compdef|complete -o/);
});

test("the scripts' question is answered: completions of commands and options", () => {
  const r = tunnelc(["--get-yargs-completions", "tunnelc", "ins"]);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^install$/m);
});
