// docs/packaging.md's package recipes, built with the distributions' own tools exactly as the
// doc shows them (each `recipe=… file=…` block becomes that file, each recipe's `sh` block runs):
// a .deb by dpkg-buildpackage and debhelper, then installed and purged in a booted container; an
// Arch package by makepkg; an RPM by rpmbuild; and a preset that `systemctl --root preset-all`
// follows. Every package must hold the unit byte for byte as `tunnelc compile` writes it.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { CLI, ROOT } from "./helpers/paths.ts";
import { hasTool, needs } from "./helpers/prereq.ts";
import { tunnelc } from "./helpers/run-cli.ts";
import { canBoot, ensureRootfs } from "./e2e/container.ts";
import { runScenarios } from "./e2e/checks.ts";
import { recipe } from "./helpers/packaging-doc.ts";

const UNIT = "office-reverse.service";
// A placeholder when no container runs: the package is built and checked all the same.
const PLACEHOLDER_KEY =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICrEM716nxe4LfvKB6vD0AJ/7XlaayCe0GE1zFcdYHA3";

/** The one-tunnel spec the recipes package; the container's sshd is its relay. */
function spec(hostKey: string): string {
  const tunnel = {
    name: "office-reverse",
    server: { host: "127.0.0.1", user: "relay", hostKeys: [hostKey] },
    identity: "/etc/tunnelc/keys/office",
    forwards: [{ remote: 2222, to: "localhost:22" }],
    restart: { delaySec: 1 },
  };
  return `${JSON.stringify(tunnel, null, 2)}\n`;
}

/**
 * A world-readable temp dir (makepkg runs as nobody) with `tunnelc` on PATH, the recipe's files
 * and tunnels.json in DIR/src; runs the recipe's script there.
 */
function build(name: string, specText: string) {
  const dir = mkdtempSync(join(tmpdir(), `tunnelc-${name}-`));
  chmodSync(dir, 0o755);
  const bin = join(dir, "bin");
  const src = join(dir, "src");
  mkdirSync(bin);
  mkdirSync(src);
  // The built CLI copied in too: makepkg's build() runs as nobody, who may not be able to reach
  // the checkout (a clone below a `mktemp -d` directory is mode 0700).
  const tool = join(dir, "tunnelc");
  for (const part of ["bin", "dist"])
    cpSync(join(ROOT, part), join(tool, part), { recursive: true });
  const cli = join(tool, relative(ROOT, CLI));
  writeFileSync(join(bin, "tunnelc"), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`);
  chmodSync(join(bin, "tunnelc"), 0o755);
  writeFileSync(join(src, "tunnels.json"), specText);
  const r = recipe(name);
  for (const [file, text] of r.files) {
    mkdirSync(dirname(join(src, file)), { recursive: true });
    writeFileSync(join(src, file), text);
  }
  const run = spawnSync("bash", ["-euo", "pipefail", "-c", r.script], {
    cwd: src,
    encoding: "utf8",
    timeout: 120_000,
    env: {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      ROOT: join(dir, "root"),
      NO_COLOR: "1",
    },
  });
  const log = `--- stdout ---\n${run.stdout.slice(-3000)}\n--- stderr ---\n${run.stderr.slice(-3000)}`;
  return { dir, src, status: run.status, stdout: run.stdout, log };
}

/** The unit exactly as `tunnelc compile` writes it from the same spec. */
function expectedUnit(specText: string): string {
  const dir = mkdtempSync(join(tmpdir(), "tunnelc-expect-"));
  writeFileSync(join(dir, "tunnels.json"), specText);
  const r = tunnelc(["compile", "tunnels.json", "-o", "out"], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  const text = readFileSync(join(dir, "out", UNIT), "utf8");
  rmSync(dir, { recursive: true, force: true });
  return text;
}

function sh(cmd: string, cwd: string): { status: number | null; out: string } {
  const r = spawnSync("bash", ["-euo", "pipefail", "-c", cmd], { cwd, encoding: "buffer" });
  return { status: r.status, out: `${r.stdout.toString("utf8")}${r.stderr.toString("utf8")}` };
}

const tools = (...names: string[]) =>
  hasTool("sh", ["-c", names.map((n) => `command -v ${n}`).join(" && ")]);

test("docs/packaging.md has every recipe", () => {
  assert.deepEqual(
    recipe("deb")
      .files.map(([f]) => f)
      .sort(),
    ["debian/changelog", "debian/control", "debian/rules", "debian/tunnels.install"],
  );
  assert.deepEqual(
    recipe("arch").files.map(([f]) => f),
    ["PKGBUILD"],
  );
  assert.deepEqual(
    recipe("rpm").files.map(([f]) => f),
    ["tunnels.spec"],
  );
  assert.deepEqual(recipe("preset").files, []);
  // make needs the recipe line's leading tab; an editor or formatter turning it into spaces
  // would break the build, so say so here rather than in dpkg-buildpackage's output.
  const rules = recipe("deb").files.find(([f]) => f === "debian/rules")![1];
  assert.match(rules, /^\ttunnelc compile /m);
});

test("Debian: dpkg-buildpackage builds a .deb that dpkg installs and purges", async (t) => {
  if (!needs(t, "dpkg-buildpackage, dh_installsystemd", tools("dpkg-buildpackage", "dh"))) return;
  // The spec pins the container's sshd host key, so build the container's rootfs first.
  const why = canBoot();
  const rootfs = why === undefined ? ensureRootfs((s) => t.diagnostic(s)) : undefined;
  const hostKey =
    rootfs === undefined
      ? PLACEHOLDER_KEY
      : readFileSync(join(rootfs, "etc/ssh/ssh_host_ed25519_key.pub"), "utf8")
          .split(" ")
          .slice(0, 2)
          .join(" ");
  const specText = spec(hostKey);
  const b = build("deb", specText);
  assert.equal(b.status, 0, b.log);
  const deb = join(b.dir, "tunnels_1.0_all.deb");
  assert.ok(existsSync(deb), `no ${deb}\n${b.log}`);
  const path = `./lib/systemd/system/${UNIT}`;
  assert.ok(
    b.stdout.split("\n").some((l) => l.endsWith(` ${path}`)),
    `dpkg-deb -c: ${path}`,
  );

  await t.test("the package holds the unit as tunnelc compile writes it", () => {
    const r = sh(`dpkg-deb --fsys-tarfile ${deb} | tar -xOf - ${path}`, b.dir);
    assert.equal(r.status, 0, r.out);
    assert.equal(r.out, expectedUnit(specText));
  });
  await t.test("dh_installsystemd's maintainer scripts enable, start, stop, purge", () => {
    const ctl = join(b.dir, "control");
    const r = sh(`dpkg-deb -e ${deb} ${ctl}`, b.dir);
    assert.equal(r.status, 0, r.out);
    const script = (name: string) => readFileSync(join(ctl, name), "utf8");
    assert.match(script("postinst"), new RegExp(`deb-systemd-helper enable '${UNIT}'`));
    assert.match(script("postinst"), new RegExp(`deb-systemd-invoke \\$_dh_action '${UNIT}'`));
    assert.match(script("postinst"), /_dh_action=start/);
    assert.match(script("prerm"), new RegExp(`deb-systemd-invoke stop '${UNIT}'`));
    assert.match(script("postrm"), new RegExp(`deb-systemd-helper purge '${UNIT}'`));
  });

  await t.test("dpkg -i and dpkg --purge in a booted container", async (t2) => {
    if (!needs(t2, why ?? "", rootfs !== undefined)) return;
    await inContainer(t2, rootfs!, deb);
  });
  rmSync(b.dir, { recursive: true, force: true });
});

const RUNNER = "tunnelc-packages.service";
const RUNNER_UNIT = `[Unit]
Description=tunnelc package scenarios
After=ssh.service network.target
Wants=ssh.service

[Service]
Type=oneshot
ExecStart=/bin/bash /pkg/deb-inside.sh
StandardOutput=file:/results/trace
StandardError=inherit
TimeoutStartSec=120
ExecStopPost=/bin/systemctl poweroff --no-block
`;

/** Boots the cached rootfs (--volatile=overlay: it stays pristine) once; a subtest per check. */
async function inContainer(t: TestContext, rootfs: string, deb: string) {
  const passed = await runScenarios(t, {
    name: "deb",
    rootfs,
    unitName: RUNNER,
    unitText: RUNNER_UNIT,
    bindRo: () => [
      [deb, "/pkg/tunnels.deb"],
      [join(ROOT, "test", "packages", "deb-inside.sh"), "/pkg/deb-inside.sh"],
      [join(ROOT, "test", "e2e", "checks.sh"), "/pkg/checks.sh"],
    ],
    timeoutMs: 180_000,
  });
  assert.equal(passed, 15, "every check ran");
}

test("Arch: makepkg builds a package holding the unit", (t) => {
  const root = process.getuid?.() === 0;
  const what = root ? "makepkg, bsdtar, setpriv" : "makepkg, bsdtar";
  const present = root ? tools("makepkg", "bsdtar", "setpriv") : tools("makepkg", "bsdtar");
  if (!needs(t, what, present)) return;
  const specText = spec(PLACEHOLDER_KEY);
  const b = build("arch", specText);
  assert.equal(b.status, 0, b.log);
  const pkg = readdirSync(b.src).filter((f) => /^tunnels-1\.0-1-any\.pkg\.tar\.\w+$/.test(f));
  assert.equal(pkg.length, 1, `one package in ${readdirSync(b.src).join(" ")}`);
  const path = `usr/lib/systemd/system/${UNIT}`;
  assert.ok(b.stdout.split("\n").includes(path), `bsdtar -tf lists ${path}\n${b.stdout}`);
  const unit = sh(`bsdtar -xOf ${pkg[0]} ${path}`, b.src);
  assert.equal(unit.status, 0, unit.out);
  assert.equal(unit.out, expectedUnit(specText));
  const info = sh(`bsdtar -xOf ${pkg[0]} .PKGINFO`, b.src);
  assert.match(info.out, /^depend = openssh$/m);
  rmSync(b.dir, { recursive: true, force: true });
});

test("RPM: rpmbuild builds a package with the unit and the systemd scriptlets", (t) => {
  if (!needs(t, "rpmbuild, rpm2cpio, bsdtar", tools("rpmbuild", "rpm2cpio", "bsdtar"))) return;
  const specText = spec(PLACEHOLDER_KEY);
  const b = build("rpm", specText);
  assert.equal(b.status, 0, b.log);
  const path = `/usr/lib/systemd/system/${UNIT}`;
  const rpm = "rpmbuild/RPMS/noarch/tunnels-1.0-1.noarch.rpm";
  assert.ok(b.stdout.split("\n").includes(path), `rpm -qlp lists ${path}\n${b.stdout}`);
  // The macros' expansion: Debian's rpm lacks systemd-rpm-macros, so the spec's own fallback.
  const scripts = sh(`rpm -qp --scripts ${rpm}`, b.src).out;
  const scriptlet = (name: string) =>
    scripts.split(/^(?=\w+ scriptlet)/m).find((s) => s.startsWith(name)) ?? "";
  assert.match(scriptlet("postinstall"), new RegExp(`preset ${UNIT}`));
  assert.match(scriptlet("postinstall"), /\$1 -eq 1/);
  assert.match(scriptlet("preuninstall"), new RegExp(`disable --now ${UNIT}`));
  assert.match(scriptlet("preuninstall"), /\$1 -eq 0/);
  assert.match(scriptlet("postuninstall"), new RegExp(`try-restart ${UNIT}`));
  assert.match(scriptlet("postuninstall"), /\$1 -ge 1/);
  const unit = sh(`rpm2cpio ${rpm} | bsdtar -xOf - .${path}`, b.src);
  assert.equal(unit.status, 0, unit.out);
  assert.equal(unit.out, expectedUnit(specText));
  rmSync(b.dir, { recursive: true, force: true });
});

test("presets: compile --preset, then systemctl --root preset-all enables the tunnel", (t) => {
  if (!needs(t, "systemctl", hasTool("systemctl"))) return;
  const b = build("preset", spec(PLACEHOLDER_KEY));
  assert.equal(b.status, 0, b.log);
  assert.equal(b.stdout.trim().split("\n").pop(), "enabled");
  const root = join(b.dir, "root");
  assert.ok(
    lstatSync(join(root, "etc/systemd/system/multi-user.target.wants", UNIT)).isSymbolicLink(),
  );
  assert.equal(
    readFileSync(join(root, "usr/lib/systemd/system-preset/80-tunnelc.preset"), "utf8"),
    `# Written by tunnelc compile --preset: enable these tunnels (systemd.preset(5)).\nenable ${UNIT}\n`,
  );
  rmSync(b.dir, { recursive: true, force: true });
});

const OFFICE = join(ROOT, "docs", "examples", "office.json");

test("compile --preset: one sorted enable line per tunnel, in the JSON report too", () => {
  const dir = mkdtempSync(join(tmpdir(), "tunnelc-preset-"));
  const preset = join(dir, "p", "80-tunnelc.preset");
  const r = tunnelc(["compile", OFFICE, "-o", join(dir, "u"), "--preset", preset, "--json"]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).preset, preset);
  // office.json lists office-reverse, office-db, office-socks: the file is sorted.
  assert.equal(
    readFileSync(preset, "utf8"),
    [
      "# Written by tunnelc compile --preset: enable these tunnels (systemd.preset(5)).",
      "enable office-db.service",
      "enable office-reverse.service",
      "enable office-socks.service",
      "",
    ].join("\n"),
  );
  const again = tunnelc(["compile", OFFICE, "-o", join(dir, "u"), "--preset", preset]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, new RegExp(`wrote ${preset}`));
  rmSync(dir, { recursive: true, force: true });
});

const MIXED = JSON.stringify({
  tunnels: [
    {
      name: "sys",
      identity: "/etc/tunnelc/keys/sys",
      server: { host: "relay.example.net" },
      forwards: [{ dynamic: 1080 }],
    },
    {
      name: "mine",
      scope: "user",
      server: { host: "relay.example.net" },
      forwards: [{ dynamic: 1081 }],
    },
  ],
});

// Each refusal writes nothing: neither units nor the preset.
const REFUSALS: { name: string; spec?: string; preset: string; status: number; err: RegExp }[] = [
  { name: "a file not named *.preset", preset: "tunnels.conf", status: 2, err: /\*\.preset/ },
  { name: "a bare .preset", preset: ".preset", status: 2, err: /\*\.preset/ },
  { name: "a bad spec", spec: '{ "name": "x" }', preset: "80-t.preset", status: 1, err: /x/ },
  {
    name: "system and user tunnels mixed",
    spec: MIXED,
    preset: "80-t.preset",
    status: 2,
    err: /user-preset/,
  },
];

for (const c of REFUSALS)
  test(`compile --preset refuses ${c.name} and writes nothing`, () => {
    const dir = mkdtempSync(join(tmpdir(), "tunnelc-preset-"));
    const specPath = join(dir, "spec.json");
    writeFileSync(specPath, c.spec ?? readFileSync(OFFICE, "utf8"));
    const r = tunnelc([
      "compile",
      specPath,
      "-o",
      join(dir, "units"),
      "--preset",
      join(dir, "p", c.preset),
    ]);
    assert.equal(r.status, c.status, r.stderr);
    assert.match(r.stderr, c.err);
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    assert.deepEqual(readdirSync(dir), ["spec.json"]);
    rmSync(dir, { recursive: true, force: true });
  });
