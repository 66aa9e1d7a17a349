// tunnelc itself as a Debian source and binary package, an Arch package and an RPM, built from
// the release tarball (npm run release-tarball) by docs/packaging.md's recipes exactly as the doc
// shows them (`recipe=selfdeb|selfarch|selfrpm`), each build with the network cut off (the
// recipes run it under `unshare -n`). Then: lintian and rpmlint report no error and exactly the
// warnings the doc lists; each package holds the expected paths and runs; the .deb is installed
// in a booted container, where its generator brings a tunnel up from a spec in /etc/tunnelc.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ROOT } from "./helpers/paths.ts";
import { hasTool, needs } from "./helpers/prereq.ts";
import { canBoot, ensureRootfs } from "./e2e/container.ts";
import { runScenarios } from "./e2e/checks.ts";
import { PACKAGING_DOC, recipe } from "./helpers/packaging-doc.ts";
import { BUILD_TOOLS, RUNTIME } from "../scripts/release-tarball.mjs";

const { version: VERSION } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  version: string;
};
const TARBALL = `tunnelc-${VERSION}.tar.gz`;

/** The warnings docs/packaging.md lists for a linter, one line each, sorted. */
function documented(linter: string): string[] {
  const m = new RegExp("```text lint=" + linter + "\\n([\\s\\S]*?)```").exec(PACKAGING_DOC);
  assert.ok(m, `docs/packaging.md: a text lint=${linter} block`);
  return m[1]!.split("\n").filter(Boolean).sort();
}

function sh(cmd: string, cwd: string, timeout = 120_000) {
  const r = spawnSync("bash", ["-euo", "pipefail", "-c", cmd], {
    cwd,
    encoding: "utf8",
    timeout,
    env: { ...process.env, NO_COLOR: "1" },
  });
  const log = `--- stdout ---\n${(r.stdout ?? "").slice(-3000)}\n--- stderr ---\n${(r.stderr ?? "").slice(-3000)}`;
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", log };
}

const tools = (...names: string[]) =>
  hasTool("sh", ["-c", names.map((n) => `command -v ${n}`).join(" && ")]);

let made: string | undefined;
after(() => {
  if (made !== undefined) rmSync(dirname(made), { recursive: true, force: true });
});
/** The release tarball, made once from this checkout. */
function releaseTarball(): string {
  if (made !== undefined) return made;
  const dir = mkdtempSync(join(tmpdir(), "tunnelc-release-"));
  const r = spawnSync(process.execPath, ["scripts/release-tarball.mjs", dir], {
    cwd: ROOT,
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  made = join(dir, TARBALL);
  return made;
}

/** A world-readable temp dir (makepkg runs as nobody) with the tarball and the recipe's files. */
function build(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `tunnelc-${name}-`));
  chmodSync(dir, 0o755);
  copyFileSync(releaseTarball(), join(dir, TARBALL));
  const r = recipe(name);
  for (const [file, text] of r.files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return { dir, ...sh(r.script, dir, 480_000) };
}

/** Every line of `list` that is one of `want`, so a missing path shows by name. */
function assertPaths(list: string, want: string[], what: string) {
  // A link's line ends "PATH -> TARGET" (dpkg-deb -c).
  const path = (l: string) =>
    l
      .replace(/ -> .*$/, "")
      .trim()
      .split(/\s+/)
      .pop() ?? "";
  const have = new Set(list.split("\n").map(path));
  assert.deepEqual(
    want.filter((p) => !have.has(p)),
    [],
    `${what}: paths missing from the listing\n${list.slice(-4000)}`,
  );
}

/** The packages dist/THIRD-PARTY-NOTICES names: "NAME VERSION". */
function bundled(notices: string): string[] {
  return [...notices.matchAll(/^==== (\S+) (\S+) /gm)].map((m) => `${m[1]} ${m[2]}`);
}

test("docs/packaging.md has the three recipes, each building offline", () => {
  const names = (r: string) => recipe(r).files.map(([f]) => f);
  assert.deepEqual(names("selfdeb").sort(), [
    "debian/changelog",
    "debian/clean",
    "debian/control",
    "debian/links",
    "debian/manpages",
    "debian/postrm",
    "debian/rules",
    "debian/source/format",
    "debian/source/lintian-overrides",
  ]);
  assert.deepEqual(names("selfarch"), ["PKGBUILD", "tunnelc.install"]);
  assert.deepEqual(names("selfrpm").sort(), ["tunnelc.rpmlintrc", "tunnelc.spec"]);
  // The build step of each runs in a network namespace of its own (unshare(1)).
  assert.match(recipe("selfdeb").script, /^\(cd "tunnelc-\$v" && unshare -n dpkg-buildpackage /m);
  assert.match(recipe("selfarch").script, /unshare -n setpriv .* makepkg /);
  assert.match(recipe("selfarch").script, /unshare --map-current-user --net makepkg /);
  assert.match(recipe("selfrpm").script, /^unshare -n rpmbuild /m);
  // Each recipe installs the shell completions as files.
  for (const [r, file] of [
    ["selfdeb", "debian/rules"],
    ["selfarch", "PKGBUILD"],
    ["selfrpm", "tunnelc.spec"],
  ] as const)
    assert.match(recipe(r).files.find(([f]) => f === file)![1], /completion fish \| install /);
});

/** Every package src/ imports at run time (not `import type`), by its package name. */
function runtimeImports(): string[] {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith(".ts"))
        for (const m of readFileSync(p, "utf8").matchAll(
          /^import\s+(type\s)?[^;]*?from\s+"([^"]+)"/gm,
        ))
          if (m[1] === undefined && !/^(?:\.|node:)/.test(m[2]!))
            names.add(
              m[2]!
                .split("/")
                .slice(0, m[2]!.startsWith("@") ? 2 : 1)
                .join("/"),
            );
    }
  };
  walk(join(ROOT, "src"));
  return [...names].sort();
}

test("the release tarball vendors what src/ imports and the build's tools", () => {
  assert.deepEqual([...RUNTIME].sort(), runtimeImports());
  // The standalone validator requires ajv's runtime (scripts/build-validator.mjs).
  assert.ok(BUILD_TOOLS.includes("ajv") && BUILD_TOOLS.includes("esbuild"));
});

test("the release tarball is reproducible: sorted, owner 0, the sources and no tests", (t) => {
  if (!needs(t, "git, tar, gzip, unshare", tools("git", "tar", "gzip", "unshare"))) return;
  const first = releaseTarball();
  const again = mkdtempSync(join(tmpdir(), "tunnelc-release-"));
  const r = spawnSync(process.execPath, ["scripts/release-tarball.mjs", again], { cwd: ROOT });
  assert.equal(r.status, 0, String(r.stderr));
  const sum = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");
  assert.equal(sum(join(again, TARBALL)), sum(first), "two runs, the same bytes");
  const list = sh(`tar -tzvf ${first}`, again);
  assert.equal(list.status, 0, list.log);
  assert.doesNotMatch(list.stdout, /^\S+ (?!0\/0 )/m, "every entry owned by 0/0");
  const names = list.stdout.split("\n").map((l) => l.split(/\s+/)[5] ?? "");
  for (const p of ["src/cli.ts", "scripts/build.mjs", "LICENSE", "package-lock.json"])
    assert.ok(names.includes(`tunnelc-${VERSION}/${p}`), p);
  for (const p of ["test/", "node_modules/typescript/", "node_modules/eslint/", "dist/"])
    assert.ok(!names.some((n) => n.startsWith(`tunnelc-${VERSION}/${p}`)), `no ${p}`);
  rmSync(again, { recursive: true, force: true });
});

test("Debian: a source package and a .deb, lintian-clean, installed in a container", async (t) => {
  const what = "dpkg-buildpackage, dh, lintian, unshare";
  if (!needs(t, what, tools("dpkg-buildpackage", "dh", "lintian", "unshare"))) return;
  const b = build("selfdeb");
  assert.equal(b.status, 0, b.log);
  const deb = join(b.dir, `tunnelc_${VERSION}-1_all.deb`);
  const dsc = join(b.dir, `tunnelc_${VERSION}-1.dsc`);
  assert.ok(existsSync(deb) && existsSync(dsc), readdirSync(b.dir).join(" "));

  await t.test("the .orig.tar.gz is the release tarball", () => {
    const orig = readFileSync(join(b.dir, `tunnelc_${VERSION}.orig.tar.gz`));
    assert.ok(orig.equals(readFileSync(releaseTarball())));
  });
  await t.test("dpkg-deb -c: the command, the package, man page, copyright, generator", () => {
    const dir = "./usr/share/nodejs/tunnelc";
    assertPaths(
      b.stdout,
      [
        "./usr/bin/tunnelc",
        `${dir}/bin/tunnelc.cjs`,
        `${dir}/dist/cli.cjs`,
        `${dir}/dist/compile.cjs`,
        `${dir}/dist/generator.cjs`,
        `${dir}/schemas/tunnel.schema.json`,
        "./usr/share/man/man1/tunnelc.1.gz",
        "./usr/share/doc/tunnelc/copyright",
        "./usr/share/doc/tunnelc/THIRD-PARTY-NOTICES.gz",
        "./usr/lib/systemd/system-generators/tunnelc-generator",
        "./usr/share/bash-completion/completions/tunnelc",
        "./usr/share/zsh/vendor-completions/_tunnelc",
        "./usr/share/fish/vendor_completions.d/tunnelc.fish",
      ],
      "the .deb",
    );
    assert.match(
      b.stdout,
      / \.\/usr\/bin\/tunnelc -> \.\.\/share\/nodejs\/tunnelc\/bin\/tunnelc\.cjs$/m,
    );
  });
  await t.test("Depends, and a generator that runs the package's bundle", () => {
    const depends = sh(`dpkg-deb -f ${deb} Depends`, b.dir).stdout;
    assert.match(depends, /nodejs \(>= 18\.19\)/);
    assert.match(depends, /openssh-client/);
    const gen = sh(
      `dpkg-deb --fsys-tarfile ${deb} | tar -xOf - ./usr/lib/systemd/system-generators/tunnelc-generator`,
      b.dir,
    );
    assert.match(
      gen.stdout,
      /^#!\/usr\/bin\/node \/usr\/share\/nodejs\/tunnelc\/bin\/tunnelc\.cjs\n/,
    );
  });
  await t.test("copyright: DEP-5, a stanza for every bundled package", () => {
    const read = (p: string) => sh(`dpkg-deb --fsys-tarfile ${deb} | tar -xOf - ${p}`, b.dir);
    const copyright = read("./usr/share/doc/tunnelc/copyright").stdout;
    assert.match(
      copyright,
      /^Format: https:\/\/www\.debian\.org\/doc\/packaging-manuals\/copyright-format\/1\.0\/$/m,
    );
    const notices = read("./usr/share/nodejs/tunnelc/dist/THIRD-PARTY-NOTICES").stdout;
    const packages = bundled(notices);
    assert.ok(packages.length > 5, notices.slice(0, 500));
    for (const p of packages) assert.ok(copyright.includes(`Comment: ${p}\n`), p);
  });
  await t.test("the man page renders without groff warnings", (t2) => {
    if (!needs(t2, "groff", hasTool("groff"))) return;
    const r = sh(
      `dpkg-deb --fsys-tarfile ${deb} | tar -xOf - ./usr/share/man/man1/tunnelc.1.gz | gzip -d | groff -man -Tutf8 -ww -z`,
      b.dir,
    );
    assert.equal(r.status, 0, r.log);
    assert.equal(r.stderr, "");
  });
  await t.test("lintian: no error, only the documented warnings", () => {
    const r = sh(`lintian ${dsc} ${deb}`, b.dir, 300_000);
    const tags = [...new Set(r.stdout.split("\n").filter((l) => /^[EW]: /.test(l)))].sort();
    assert.deepEqual(tags, documented("lintian"), r.log);
  });
  await t.test("installed in a booted container: --version, man page, generator", async (t2) => {
    const why = canBoot();
    if (!needs(t2, why ?? "", why === undefined)) return;
    const rootfs = ensureRootfs((s) => t2.diagnostic(s));
    const hostKey = readFileSync(join(rootfs, "etc/ssh/ssh_host_ed25519_key.pub"), "utf8")
      .split(" ")
      .slice(0, 2)
      .join(" ");
    writeFileSync(join(b.dir, "office.json"), spec(hostKey));
    const passed = await runScenarios(t2, {
      name: "selfpkg",
      rootfs,
      unitName: RUNNER,
      unitText: RUNNER_UNIT,
      bindRo: () => [
        [deb, "/pkg/tunnelc.deb"],
        [join(b.dir, "office.json"), "/pkg/office.json"],
        [join(ROOT, "test", "packages", "self-inside.sh"), "/pkg/self-inside.sh"],
        [join(ROOT, "test", "e2e", "checks.sh"), "/pkg/checks.sh"],
        [process.execPath, "/usr/bin/node"],
      ],
      timeoutMs: 180_000,
    });
    assert.equal(passed, 22, "every check ran");
  });
  rmSync(b.dir, { recursive: true, force: true });
});

/** The spec the container's generator reads: the container's own sshd is its relay. */
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

const RUNNER = "tunnelc-selfpkg.service";
const RUNNER_UNIT = `[Unit]
Description=tunnelc's own package, installed
After=ssh.service network.target
Wants=ssh.service

[Service]
Type=oneshot
Environment=VERSION=${VERSION}
ExecStart=/bin/bash /pkg/self-inside.sh
StandardOutput=file:/results/trace
StandardError=inherit
TimeoutStartSec=150
ExecStopPost=/bin/systemctl poweroff --no-block
`;

/** The package's files below a temp root; its tunnelc must run with this machine's node. */
const asRoot = process.getuid?.() === 0;

function runsFrom(root: string) {
  const r = spawnSync(process.execPath, [join(root, "usr/bin/tunnelc"), "--version"], {
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), VERSION);
}

const NODE_DIR = "usr/lib/node_modules/tunnelc";
const NPM_PATHS = [
  "usr/bin/tunnelc",
  `${NODE_DIR}/bin/tunnelc.cjs`,
  `${NODE_DIR}/dist/cli.cjs`,
  `${NODE_DIR}/dist/compile.cjs`,
  `${NODE_DIR}/dist/generator.cjs`,
  `${NODE_DIR}/schemas/tunnel.schema.json`,
  "usr/lib/systemd/system-generators/tunnelc-generator",
  "usr/share/bash-completion/completions/tunnelc",
  "usr/share/zsh/site-functions/_tunnelc",
  "usr/share/fish/vendor_completions.d/tunnelc.fish",
];

test("Arch: makepkg builds tunnelc offline; the package holds and runs it", (t) => {
  const root = process.getuid?.() === 0;
  const what = root ? "makepkg, bsdtar, setpriv, unshare" : "makepkg, bsdtar, unshare";
  const present = tools("makepkg", "bsdtar", "unshare", ...(root ? ["setpriv"] : []));
  if (!needs(t, what, present)) return;
  const b = build("selfarch");
  assert.equal(b.status, 0, b.log);
  const pkg = `tunnelc-${VERSION}-1-any.pkg.tar.zst`;
  const found = readdirSync(b.dir).filter((f) => f.startsWith(`tunnelc-${VERSION}-1-any.pkg.tar`));
  assert.equal(found.length, 1, readdirSync(b.dir).join(" "));
  assertPaths(
    b.stdout,
    [
      ...NPM_PATHS,
      "usr/share/man/man1/tunnelc.1.gz",
      "usr/share/licenses/tunnelc/LICENSE",
      "usr/share/licenses/tunnelc/THIRD-PARTY-NOTICES",
    ],
    pkg,
  );
  const info = sh(`bsdtar -xOf ${found[0]} .PKGINFO`, b.dir).stdout;
  assert.match(info, /^depend = nodejs>=18.19$/m);
  assert.match(info, /^depend = openssh$/m);
  // pacman has no purge: the install script removes the generator's memo with the package.
  const install = sh(`bsdtar -xOf ${found[0]} .INSTALL`, b.dir).stdout;
  assert.match(install, /^post_remove\(\) \{\n {2}rm -rf \/var\/cache\/tunnelc\n\}$/m);
  const tree = join(b.dir, "root");
  mkdirSync(tree);
  // Installed by pacman itself into a root of its own (as root, as CI runs: pacman keeps the
  // root's database), else unpacked. --nodeps twice: no nodejs or openssh in that database.
  const conf = join(b.dir, "pacman.conf");
  writeFileSync(
    conf,
    "[options]\nArchitecture = auto\nSigLevel = Never\nLocalFileSigLevel = Never\n",
  );
  const x = asRoot
    ? sh(
        `mkdir -p root/var/lib/pacman && pacman -U --noconfirm --noprogressbar --config ${conf} --root root --dbpath root/var/lib/pacman --nodeps --nodeps ${found[0]} && pacman -Q --config ${conf} --root root --dbpath root/var/lib/pacman tunnelc`,
        b.dir,
      )
    : sh(`bsdtar -xf ${found[0]} -C root`, b.dir);
  assert.equal(x.status, 0, x.log);
  if (asRoot) assert.match(x.stdout, new RegExp(`^tunnelc ${VERSION}-1$`, "m"));
  runsFrom(tree);
  rmSync(b.dir, { recursive: true, force: true });
});

test("RPM: rpmbuild builds tunnelc offline; rpmlint-clean; the package holds and runs it", (t) => {
  const present = tools("rpmbuild", "rpm2cpio", "rpmlint", "bsdtar", "unshare");
  if (!needs(t, "rpmbuild, rpm2cpio, rpmlint, bsdtar, unshare", present)) return;
  const b = build("selfrpm");
  assert.equal(b.status, 0, b.log);
  const rpm = `rpmbuild/RPMS/noarch/tunnelc-${VERSION}-1.noarch.rpm`;
  assertPaths(
    b.stdout,
    [
      ...NPM_PATHS.map((p) => `/${p}`),
      "/usr/share/man/man1/tunnelc.1",
      `/usr/share/licenses/tunnelc-${VERSION}/LICENSE`,
      `/usr/share/licenses/tunnelc-${VERSION}/THIRD-PARTY-NOTICES`,
    ],
    rpm,
  );
  const requires = sh(`rpm -qp --requires ${rpm}`, b.dir).stdout;
  assert.match(requires, /^nodejs >= 18.19$/m);
  assert.match(requires, /^openssh-clients$/m);
  assert.match(requires, /^\/usr\/bin\/node$/m, "the shebang names node itself");
  const tree = join(b.dir, "root");
  mkdirSync(tree);
  // Installed by rpm itself into a root of its own with its own database (as root, as CI runs),
  // else unpacked. --nodeps: no nodejs or openssh-clients in that database.
  const x = asRoot
    ? sh(
        `rpm --root "$PWD/root" --initdb && rpm -i --root "$PWD/root" --nodeps ${rpm} && rpm -q --root "$PWD/root" tunnelc`,
        b.dir,
      )
    : sh(`rpm2cpio ${rpm} | bsdtar -xf - -C root`, b.dir);
  assert.equal(x.status, 0, x.log);
  if (asRoot) assert.match(x.stdout, new RegExp(`^tunnelc-${VERSION}-1\\.noarch$`, "m"));
  runsFrom(tree);
  // Fedora's bundling guidelines: a bundled() Provides for every package the bundles hold.
  const provides = sh(`rpm -qp --provides ${rpm}`, b.dir).stdout;
  const notices = readFileSync(join(tree, NODE_DIR, "dist/THIRD-PARTY-NOTICES"), "utf8");
  const declared = [...provides.matchAll(/^bundled\(nodejs-(\S+)\) = (\S+)$/gm)].map(
    (m) => `${m[1]} ${m[2]}`,
  );
  assert.deepEqual(declared.sort(), bundled(notices).sort());
  // The generator's memo, a cache its keeper wrote, goes when the package is erased.
  const scripts = sh(`rpm -qp --scripts ${rpm}`, b.dir).stdout;
  assert.match(scripts, /^postuninstall scriptlet \(using \/bin\/sh\):$/m);
  assert.match(scripts, /^if \[ "\$1" -eq 0 \]; then\n {2}rm -rf \/var\/cache\/tunnelc\nfi$/m);
  const lint = sh(
    "rpmlint -r tunnelc.rpmlintrc tunnelc.spec rpmbuild/RPMS/noarch/*.rpm rpmbuild/SRPMS/*.rpm",
    b.dir,
  );
  const lines = [...new Set(lint.stdout.split("\n").filter((l) => /^\S+: [EW]: /.test(l)))];
  assert.deepEqual(lines.sort(), documented("rpmlint"), lint.log);
  rmSync(b.dir, { recursive: true, force: true });
});
