// Issue 16 §6, "--root is a jail": trees with real links that lead out of the root, through the
// built CLI and the real systemctl --root. Below --root tunnelc follows only relative links that
// stay inside it (openat2(2) RESOLVE_BENEATH, src/edge/in-root.ts); any other link is refused
// (exit 1) before anything is read through it, written, or handed to systemctl.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { tunnelc, type CliResult } from "./helpers/run-cli.ts";
import { CLI } from "./helpers/paths.ts";
import { hasTool, needs } from "./helpers/prereq.ts";

const hasKeygen = spawnSync("ssh-keygen", ["-?"], { stdio: "ignore" }).error === undefined;

const SECRET = "SECRET-0600-d41d8cd98f00b204e9800998ecf8427e";

interface Tree {
  base: string;
  root: string;
  /** A directory beside the root, outside it: nothing may appear or change here. */
  out: string;
  spec: string;
}

function tree(name = "t1"): Tree {
  const base = mkdtempSync(join(tmpdir(), "tunnelc-jail-"));
  const root = join(base, "root");
  const out = join(base, "out");
  mkdirSync(join(root, "etc/systemd"), { recursive: true });
  mkdirSync(join(root, "etc/tunnelc/keys"), { recursive: true });
  mkdirSync(out);
  const spec = join(base, `${name}.json`);
  writeFileSync(
    spec,
    JSON.stringify({
      name,
      server: "me@relay.example",
      identity: `/etc/tunnelc/keys/${name}`,
      forwards: [{ remote: 2222, to: "localhost:22" }],
    }),
  );
  return { base, root, out, spec };
}

/** Every path below dir (links not followed), relative to it, sorted. */
function listing(dir: string): string[] {
  const all: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      all.push(relative(dir, p));
      if (lstatSync(p).isDirectory()) walk(p);
    }
  };
  walk(dir);
  return all.sort();
}

/** No byte of the secret in anything the command said. */
function tellsNothing(r: CliResult): void {
  assert.doesNotMatch(r.stdout + r.stderr, /SECRET-0600/);
}

/** The command refused with a located message naming the link, and no stack trace. */
function refusedAt(r: CliResult, what: RegExp): void {
  assert.equal(r.status, 1, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout + r.stderr, what);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
}

/** Each way a link below the root can lead out of it. */
const OUT_LINKS: { name: string; target: (t: Tree, from: string) => string }[] = [
  { name: "absolute", target: (t) => t.out },
  { name: "relative, with '..' past the root", target: (t, from) => relative(from, t.out) },
];

for (const l of OUT_LINKS) {
  test(`--root: etc/systemd/system linked out of the root (${l.name}): install --enable writes nothing anywhere`, (t) => {
    if (!needs(t, "systemctl", hasTool("systemctl"))) return;
    const tr = tree();
    const from = join(tr.root, "etc/systemd");
    symlinkSync(l.target(tr, from), join(from, "system"));
    const before = listing(tr.root);
    for (const json of [[], ["--json"]]) {
      const r = tunnelc(["install", tr.spec, "--root", tr.root, "--enable", ...json]);
      refusedAt(r, /etc\/systemd\/system.*(symbolic link|climbs above --root)/);
      assert.doesNotMatch(r.stdout, /systemctl/);
    }
    assert.deepEqual(readdirSync(tr.out), [], "nothing outside the root");
    assert.deepEqual(listing(tr.root), before, "nothing inside it either");
  });

  test(`--root: a unit directory linked out (${l.name}): uninstall, diff and status refuse; the unit outside stays`, (t) => {
    if (!needs(t, "systemctl", hasTool("systemctl"))) return;
    const tr = tree();
    // A tunnelc unit outside the root, where the link leads.
    const compiled = tunnelc(["compile", tr.spec, "-o", tr.out]);
    assert.equal(compiled.status, 0, compiled.stderr);
    const from = join(tr.root, "etc/systemd");
    symlinkSync(l.target(tr, from), join(from, "system"));
    for (const argv of [
      ["uninstall", "t1", "--root", tr.root],
      ["diff", tr.spec, "--root", tr.root],
      ["status", "--root", tr.root],
    ]) {
      const r = tunnelc(argv);
      refusedAt(r, /etc\/systemd\/system.*(symbolic link|climbs above --root)/);
    }
    assert.deepEqual(readdirSync(tr.out), ["t1.service"]);
  });

  test(`--root: multi-user.target.wants linked out of the root (${l.name}): install --enable and uninstall refuse before systemctl --root follows it`, (t) => {
    if (!needs(t, "systemctl", hasTool("systemctl"))) return;
    const tr = tree();
    const dir = join(tr.root, "etc/systemd/system");
    mkdirSync(dir);
    const wants = join(dir, "multi-user.target.wants");
    symlinkSync(l.target(tr, dir), wants);
    const r = tunnelc(["install", tr.spec, "--root", tr.root, "--enable"]);
    refusedAt(
      r,
      /cannot enable t1\.service: .*multi-user\.target\.wants.*(symbolic link|climbs above --root)/,
    );
    assert.doesNotMatch(r.stdout, /systemctl/);
    assert.deepEqual(readdirSync(tr.out), [], "systemctl made no link outside the root");
    assert.deepEqual(readdirSync(dir), ["multi-user.target.wants"], "nothing written");
    // A unit installed (and a link of its name where the .wants link leads): uninstall leaves both.
    rmSync(wants);
    assert.equal(tunnelc(["install", tr.spec, "--root", tr.root]).status, 0);
    writeFileSync(join(tr.out, "t1.service"), "not the root's");
    symlinkSync(l.target(tr, dir), wants);
    const u = tunnelc(["uninstall", "t1", "--root", tr.root]);
    refusedAt(u, /cannot disable t1\.service: .*multi-user\.target\.wants/);
    assert.deepEqual(readdirSync(tr.out), ["t1.service"]);
    assert.ok(statSync(join(dir, "t1.service")).isFile());
  });

  test(`--root: a unit linked to a 0600 secret outside the root (${l.name}): install --force neither prints nor copies it`, () => {
    const tr = tree();
    const secret = join(tr.out, "secret");
    writeFileSync(secret, `${SECRET}\n`, { mode: 0o600 });
    const dir = join(tr.root, "etc/systemd/system");
    mkdirSync(dir);
    symlinkSync(l.target(tr, dir).replace(/out$/, "out/secret"), join(dir, "t1.service"));
    for (const json of [[], ["--json"]]) {
      const r = tunnelc(["install", "--force", tr.spec, "--root", tr.root, ...json]);
      tellsNothing(r);
      refusedAt(r, /t1\.service.*(symbolic link|climbs above --root)|t1\.service is a link to /);
    }
    assert.deepEqual(listing(dir), ["t1.service"]);
    assert.ok(lstatSync(join(dir, "t1.service")).isSymbolicLink(), "the link is left as it was");
    assert.equal(readFileSync(secret, "utf8"), `${SECRET}\n`);
  });

  test(`--root: usr/lib/systemd linked out of the root (${l.name}): generator install writes nothing anywhere`, () => {
    const tr = tree();
    const lib = join(tr.root, "usr/lib");
    mkdirSync(lib, { recursive: true });
    symlinkSync(l.target(tr, lib), join(lib, "systemd"));
    const r = tunnelc(["generator", "install", "--root", tr.root]);
    refusedAt(r, /usr\/lib\/systemd.*(symbolic link|climbs above --root)/);
    assert.deepEqual(readdirSync(tr.out), []);
  });

  test(`--root: init's key through a dangling link out of the root (${l.name}) is no key anywhere`, (t) => {
    if (!needs(t, "ssh-keygen", hasKeygen)) return;
    const tr = tree();
    const keys = join(tr.root, "etc/tunnelc/keys");
    symlinkSync(l.target(tr, keys).replace(/out$/, "out/x"), join(keys, "x"));
    const argv = ["init", "--name", "x", "--server", "me@relay.example", "-R", "2222:localhost:22"];
    const r = tunnelc([...argv, "--root", tr.root]);
    refusedAt(r, /keys\/x.*(symbolic link|climbs above --root)/);
    assert.deepEqual(readdirSync(tr.out), []);
  });

  test(`--root: keygen through a dangling link out of the root (${l.name}) writes no key anywhere`, (t) => {
    if (!needs(t, "ssh-keygen", hasKeygen)) return;
    const tr = tree();
    const keys = join(tr.root, "etc/tunnelc/keys");
    symlinkSync(l.target(tr, keys).replace(/out$/, "out/k"), join(keys, "k"));
    const r = tunnelc(["keygen", "k", "--root", tr.root]);
    refusedAt(r, /keys\/k.*(symbolic link|climbs above --root)/);
    assert.deepEqual(readdirSync(tr.out), []);
    assert.deepEqual(readdirSync(keys), ["k"]);
  });
}

test("--root: a unit linked inside the root to a 0600 file: refused even with --force, never read, never printed", () => {
  const tr = tree();
  const dir = join(tr.root, "etc/systemd/system");
  mkdirSync(dir);
  mkdirSync(join(tr.root, "etc/private"));
  const secret = join(tr.root, "etc/private/s");
  writeFileSync(secret, `${SECRET}\n`, { mode: 0o600 });
  chmodSync(secret, 0o600);
  symlinkSync("../../private/s", join(dir, "t1.service"));
  for (const json of [[], ["--json"]]) {
    const r = tunnelc(["install", "--force", tr.spec, "--root", tr.root, ...json]);
    refusedAt(r, /t1\.service is a link to \.\.\/\.\.\/private\/s/);
    tellsNothing(r);
    assert.deepEqual(readdirSync(dir), ["t1.service"], "no backup, nothing written");
    assert.equal(lstatSync(join(dir, "t1.service")).isSymbolicLink(), true, "the link is kept");
    assert.equal(readFileSync(secret, "utf8"), `${SECRET}\n`, "its target is left alone");
  }
});

test("--root: a foreign 0600 unit file: --force says 'not shown' and keeps the backup 0600", () => {
  const tr = tree();
  const dir = join(tr.root, "etc/systemd/system");
  mkdirSync(dir);
  for (const json of [[], ["--json"]]) {
    const unit = join(dir, "t1.service");
    writeFileSync(unit, `${SECRET}\n`, { mode: 0o600 });
    chmodSync(unit, 0o600);
    const r = tunnelc(["install", "--force", tr.spec, "--root", tr.root, ...json]);
    assert.equal(r.status, 0, r.stderr);
    tellsNothing(r);
    assert.match(r.stdout, /installed: not a tunnelc unit, not shown/);
    const backup = join(dir, "t1.service.tunnelc-backup");
    assert.equal(statSync(backup).mode & 0o777, 0o600, "the backup is no wider than the file");
    assert.equal(readFileSync(backup, "utf8"), `${SECRET}\n`);
    assert.match(readFileSync(unit, "utf8"), /^# tunnelc-hash:/m);
    rmSync(backup);
    rmSync(unit);
  }
});

test("--root: a relative link that stays inside the root is followed, and systemctl enables there", (t) => {
  if (!needs(t, "systemctl", hasTool("systemctl"))) return;
  const tr = tree();
  mkdirSync(join(tr.root, "srv/units"), { recursive: true });
  symlinkSync("../../srv/units", join(tr.root, "etc/systemd/system"));
  const r = tunnelc(["install", tr.spec, "--root", tr.root, "--enable"]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(statSync(join(tr.root, "srv/units/t1.service")).isFile());
  assert.ok(lstatSync(join(tr.root, "srv/units/multi-user.target.wants/t1.service")));
  assert.deepEqual(readdirSync(tr.out), []);
});

const LOOPS: { name: string; make: (dir: string) => void }[] = [
  { name: "a link to itself", make: (d) => symlinkSync("t1.service", join(d, "t1.service")) },
  {
    name: "two links to each other",
    make: (d) => {
      symlinkSync("b", join(d, "t1.service"));
      symlinkSync("t1.service", join(d, "b"));
    },
  },
];

for (const c of LOOPS) {
  test(`--root: a link loop (${c.name}) is a located refusal, not a crash`, () => {
    const tr = tree();
    const dir = join(tr.root, "etc/systemd/system");
    mkdirSync(dir);
    c.make(dir);
    for (const argv of [
      ["install", "--force", tr.spec, "--root", tr.root],
      ["diff", tr.spec, "--root", tr.root],
      ["uninstall", "t1", "--root", tr.root],
    ]) {
      const r = tunnelc(argv);
      // install never reads a link of the unit's name (refused as such); the others say why.
      refusedAt(r, /t1\.service: too many levels of symbolic links|t1\.service is a link to /);
    }
  });
}

test("--root: keygen through a relative link inside the root writes the key where it leads, 0600", (t) => {
  if (!needs(t, "ssh-keygen", hasKeygen)) return;
  const tr = tree();
  const keys = join(tr.root, "etc/tunnelc/keys");
  symlinkSync("../k-real", join(keys, "k"));
  const r = tunnelc(["keygen", "k", "--root", tr.root]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(statSync(join(tr.root, "etc/tunnelc/k-real")).mode & 0o777, 0o600);
  assert.ok(statSync(join(tr.root, "etc/tunnelc/k-real.pub")).isFile());
  assert.deepEqual(readdirSync(tr.out), []);
});

test("--root: keygen SPEC whose identity climbs with '..' writes below the root, as the machine would", (t) => {
  if (!needs(t, "ssh-keygen", hasKeygen)) return;
  const tr = tree();
  const spec = join(tr.base, "up.json");
  // Joined to the root as text, four ".." climb from ROOT/etc/tunnelc/keys to beside ROOT: tr.out.
  const identity = "/etc/tunnelc/keys/../../../../out/k";
  writeFileSync(spec, readFileSync(tr.spec, "utf8").replace("/etc/tunnelc/keys/t1", identity));
  const r = tunnelc(["keygen", spec, "--root", tr.root]);
  if (r.status === 0) assert.ok(statSync(join(tr.root, "out/k")).isFile(), r.stderr);
  else {
    // Or the spec itself refuses the ".." (issue 16 §8), located at /identity.
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout + r.stderr, /\/identity/);
  }
  assert.deepEqual(readdirSync(tr.out), [], "never outside the root");
});

test("--root: a unit that is a FIFO is never read (no hang): a foreign file, refused without --force", (t) => {
  if (!needs(t, "mkfifo", hasTool("mkfifo", ["--version"]))) return;
  const tr = tree();
  const dir = join(tr.root, "etc/systemd/system");
  mkdirSync(dir);
  spawnSync("mkfifo", [join(dir, "t1.service")]);
  const r = spawnSync(process.execPath, [CLI, "install", tr.spec, "--root", tr.root], {
    encoding: "utf8",
    timeout: 20_000,
  });
  assert.equal(r.error, undefined, "install returned (a blocking read of the FIFO hangs)");
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout + r.stderr, /t1\.service exists and was not generated by tunnelc/);
});
