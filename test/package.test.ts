// The package as npm ships it: pack this checkout, install the tarball globally into a
// temporary prefix with no network, and run the installed tunnelc from another directory.
//
// CI (.ci/run) packs the clean checkout first, prepack building dist/, and names the tarball in
// TUNNELC_TARBALL. Otherwise npm pack runs here with --ignore-scripts: the tree is already built
// (npm test builds first), and prepack's rebuild would delete dist/ under the other test files
// running the CLI in parallel.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  lstatSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { ROOT } from "./helpers/paths.ts";
import { packedTarball } from "./helpers/pack.ts";
import { hasTool, needs } from "./helpers/prereq.ts";
import { hasSystemdAnalyze, verifyUnits } from "./helpers/systemd.ts";

const EXAMPLES = join(ROOT, "docs", "examples");
const work = mkdtempSync(join(tmpdir(), "tunnelc-package-"));
const prefix = join(work, "prefix");
const installed = join(prefix, "lib", "node_modules", "tunnelc");
const elsewhere = join(work, "elsewhere");

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(cmd, args, {
    cwd: elsewhere,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "", ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
/** The checkout as npm packs it, unless .ci/run packed the clean checkout (with prepack) first. */

const installedTunnelc = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(join(prefix, "bin", "tunnelc"), args, env);

before(() => {
  mkdirSync(elsewhere, { recursive: true });
  const tarball = packedTarball(work);
  assert.ok(existsSync(tarball), `no tarball at ${tarball}`);
  const inst = run("npm", [
    "install",
    "--global",
    "--prefix",
    prefix,
    "--offline",
    "--no-audit",
    "--no-fund",
    tarball,
  ]);
  assert.equal(inst.status, 0, inst.stderr);
});

test("the installed package pulls in no dependencies: the bundle is all it runs", () => {
  assert.ok(existsSync(join(installed, "dist", "cli.cjs")));
  assert.ok(existsSync(join(installed, "dist", "generator.cjs")));
  assert.ok(!existsSync(join(installed, "node_modules")), "node_modules was installed");
  const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as {
    dependencies?: object;
  };
  assert.deepEqual(Object.keys(pkg.dependencies ?? {}), []);
});

test("the installed tunnelc runs from another directory", () => {
  const version = installedTunnelc(["--version"]);
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout.trim(), "0.1.0");
  const help = installedTunnelc(["--help"]);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /tunnelc compile/);
  const specs = readdirSync(EXAMPLES).map((f) => join(EXAMPLES, f));
  const valid = installedTunnelc(["validate", ...specs]);
  assert.equal(valid.status, 0, valid.stderr);
  const compiled = installedTunnelc(["compile", ...specs, "-o", "units"]);
  assert.equal(compiled.status, 0, compiled.stderr);
  for (const unit of readdirSync(join(ROOT, "units")))
    assert.equal(
      readFileSync(join(elsewhere, "units", unit), "utf8"),
      readFileSync(join(ROOT, "units", unit), "utf8"),
      unit,
    );
});

test("man tunnelc finds the installed page (npm links it under PREFIX/share/man/man1)", (t) => {
  const page = join(prefix, "share", "man", "man1", "tunnelc.1");
  assert.ok(existsSync(page), `${page} is missing`);
  // man -w is only a second opinion: the path above is where man(1) looks below a MANPATH.
  if (!hasTool("man", ["-w", "man"])) return t.diagnostic("man is not installed");
  const found = run("man", ["-w", "tunnelc"], { MANPATH: join(prefix, "share", "man") });
  // man -w prints the page with its symlink resolved.
  assert.equal(found.stdout.trim(), realpathSync(page), found.stderr);
});

test("a newcomer's first hour: the installed init → validate → install --root gives a unit with a key", (t) => {
  if (!needs(t, "ssh-keygen", hasTool("sh", ["-c", "command -v ssh-keygen"]))) return;
  const root = join(work, "first-hour-root");
  const init = installedTunnelc([
    "init",
    "home.json",
    "--name",
    "home",
    "--server",
    "me@relay.example.net",
    "-R",
    "2222:localhost:22",
    "--root",
    root,
  ]);
  assert.equal(init.status, 0, init.stderr);
  const key = join(root, "etc", "tunnelc", "keys", "home");
  assert.equal(statSync(key).mode & 0o777, 0o600);
  assert.match(
    init.stdout + init.stderr,
    /restrict,port-forwarding,command="false",permitlisten="localhost:2222",permitopen="\[\]:1" ssh-ed25519 /,
  );
  const valid = installedTunnelc(["validate", "home.json"]);
  assert.equal(valid.status, 0, valid.stderr);
  const inst = installedTunnelc(["install", "home.json", "--root", root, "--enable"]);
  assert.equal(inst.status, 0, inst.stderr);
  const unit = join(root, "etc", "systemd", "system", "home.service");
  const text = readFileSync(unit, "utf8");
  assert.match(
    text,
    /^ExecStartPre=\+\/usr\/bin\/install -m 0600 -- \/etc\/tunnelc\/keys\/home %t\/tunnelc-home\/ssh-identity$/m,
  );
  assert.match(text, / -i %t\/tunnelc-home\/ssh-identity /);
  // The link points into the root (/etc/systemd/system/home.service): look at the link itself.
  assert.ok(lstatSync(join(root, "etc/systemd/system/multi-user.target.wants/home.service")));
  if (!needs(t, "systemd-analyze", hasSystemdAnalyze())) return;
  const v = verifyUnits([unit]);
  assert.ok(v.ok, v.output);
});

test("a code cache V8 cannot use is written once, then used; a bad one is never an error", () => {
  const cacheHome = join(work, "cache");
  const env = { XDG_CACHE_HOME: cacheHome };
  const spec = join(EXAMPLES, "office.json");
  const expect = installedTunnelc(["compile", spec]).stdout;
  const compile = () => {
    const r = installedTunnelc(["compile", spec], env);
    assert.deepEqual([r.status, r.stderr, r.stdout], [0, "", expect]);
  };
  // The build's cache is corrupt (here) or for another V8 (another Node): no error. `compile`
  // runs its own bundle (dist/compile.cjs).
  const [built] = readdirSync(join(installed, "dist")).filter(
    (f) => f.startsWith("compile.cjs.") && f.endsWith(".cache"),
  );
  assert.ok(built, "the build wrote no code cache");
  writeFileSync(join(installed, "dist", built), "not a code cache");
  compile();
  // Another Node: no cache for it in dist/, so the first run writes one in the user's cache.
  renameSync(join(installed, "dist", built), join(work, "other-node.cache"));
  compile();
  const dir = join(cacheHome, "tunnelc");
  const [mine] = readdirSync(dir);
  assert.match(mine ?? "", /^\S+-[0-9a-f]{16}\.cache$/);
  const size = readFileSync(join(dir, mine ?? "")).length;
  assert.ok(size > 1000, `cache of ${size} bytes`);
  // Corrupt: used by nobody, rewritten by the next run.
  writeFileSync(join(dir, mine ?? ""), "garbage");
  compile();
  assert.ok(
    readFileSync(join(dir, mine ?? "")).length > 1000,
    "the corrupt cache was not rewritten",
  );
  assert.deepEqual(readdirSync(dir), [mine]);
  // An unwritable cache directory (a file in its place) costs nothing but time.
  writeFileSync(join(work, "not-a-dir"), "");
  const r = installedTunnelc(["compile", spec], { XDG_CACHE_HOME: join(work, "not-a-dir") });
  assert.deepEqual([r.status, r.stderr, r.stdout], [0, "", expect]);
});
