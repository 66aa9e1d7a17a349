// compile's package files: the accounts a spec's system tunnels run as (sysusers.d(5)), their
// ~/.ssh (tmpfiles.d(5)), each read back by the real systemd-sysusers and systemd-tmpfiles in a
// temporary root; and --root's directories, from this machine's systemd.pc or systemd's defaults.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tunnelc } from "./helpers/run-cli.ts";
import { CLI } from "./helpers/paths.ts";
import { hasTool, needs } from "./helpers/prereq.ts";
import { docBlock } from "./helpers/packaging-doc.ts";
import { fakeGatherer } from "./helpers/fake-gatherer.ts";
import { compileSpecs } from "../src/render/units.ts";
import {
  accountFileName,
  accountFiles,
  renderSysusers,
  renderTmpfiles,
} from "../src/render/sysusers.ts";
import { readsHome } from "../src/model/accounts.ts";
import { DIRS, distroDirQueries, distroDirs } from "../src/install/distro-dirs.ts";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
const server = (pinned: boolean) => ({
  host: "relay.example.net",
  user: "relay",
  ...(pinned && { hostKeys: [KEY] }),
});
const tunnel = (name: string, port: number, more: Record<string, unknown>) => ({
  name,
  server: server(false),
  forwards: [{ remote: port, to: "localhost:22" }],
  ...more,
});

/** Every kind of account: home read, no home, root, dynamic, a user unit's, one used twice. */
const SPEC = {
  tunnels: [
    tunnel("office", 2222, { user: "tunnel" }),
    tunnel("office-2", 2223, {
      user: "tunnel",
      identity: "/etc/tunnelc/keys/o2",
      server: server(true),
    }),
    tunnel("pinned", 2224, {
      user: "tunnelp",
      identity: "/etc/tunnelc/keys/p",
      server: server(true),
    }),
    tunnel("as-root", 2225, { user: "root", identity: "/etc/tunnelc/keys/r" }),
    tunnel("dynamic", 2226, { identity: "/etc/tunnelc/keys/d" }),
    tunnel("mine", 2227, { scope: "user", identity: "/etc/tunnelc/keys/m" }),
  ],
};

function workDir(spec: unknown = SPEC): string {
  const w = mkdtempSync(join(tmpdir(), "tunnelc-pkgfiles-"));
  writeFileSync(join(w, "tunnels.json"), JSON.stringify(spec));
  return w;
}

const SYSUSERS = `# Written by tunnelc compile: the accounts the tunnels of tunnels.json run as (sysusers.d(5)).
u tunnel - "SSH tunnel (tunnelc)" /var/lib/tunnelc/tunnel -
u tunnelp - "SSH tunnel (tunnelc)" - -
`;
const TMPFILES = `# Written by tunnelc compile: the homes whose ~/.ssh the tunnels of tunnels.json read (tmpfiles.d(5)).
d /var/lib/tunnelc 0755 root root -
d /var/lib/tunnelc/tunnel 0700 tunnel tunnel -
d /var/lib/tunnelc/tunnel/.ssh 0700 tunnel tunnel -
`;

test("one line per account tunnelc must create: not root, not dynamic, not a user unit's", () => {
  const w = workDir();
  const r = tunnelc(
    [
      "compile",
      "tunnels.json",
      "-o",
      "units",
      "--sysusers",
      "sysusers.d",
      "--tmpfiles",
      "tmpfiles.d",
    ],
    { cwd: w },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(join(w, "sysusers.d/tunnelc-tunnels.conf"), "utf8"), SYSUSERS);
  assert.equal(readFileSync(join(w, "tmpfiles.d/tunnelc-tunnels.conf"), "utf8"), TMPFILES);
  assert.match(r.stderr, /wrote sysusers\.d\/tunnelc-tunnels\.conf/);
});

test("the real systemd-sysusers and systemd-tmpfiles create the accounts and homes", (t) => {
  if (!needs(t, "systemd-sysusers", hasTool("systemd-sysusers"))) return;
  if (!needs(t, "systemd-tmpfiles", hasTool("systemd-tmpfiles"))) return;
  const w = workDir();
  const r = tunnelc(["compile", "tunnels.json", "--root", "pkg"], { cwd: w });
  assert.equal(r.status, 0, r.stderr);
  const target = join(w, "target");
  mkdirSync(join(target, "etc"), { recursive: true });
  const run = (argv: string[]) => {
    const p = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
    assert.equal(p.status, 0, `${argv.join(" ")}: ${p.stderr}`);
    assert.doesNotMatch(p.stderr, /invalid|ignoring|failed/i);
  };
  run([
    "systemd-sysusers",
    `--root=${target}`,
    join(w, "pkg/usr/lib/sysusers.d/tunnelc-tunnels.conf"),
  ]);
  const passwd = readFileSync(join(target, "etc/passwd"), "utf8");
  const entry = (name: string) => passwd.split("\n").find((l) => l.startsWith(`${name}:`));
  assert.match(
    entry("tunnel") ?? "",
    /^tunnel:x:\d+:\d+:SSH tunnel \(tunnelc\):\/var\/lib\/tunnelc\/tunnel:\/usr\/sbin\/nologin$/,
  );
  assert.match(
    entry("tunnelp") ?? "",
    /^tunnelp:x:\d+:\d+:SSH tunnel \(tunnelc\):\/:\/usr\/sbin\/nologin$/,
  );
  for (const absent of ["root", "alice", "tunnelc-dynamic"]) assert.equal(entry(absent), undefined);
  assert.match(readFileSync(join(target, "etc/group"), "utf8"), /^tunnel:x:\d+:$/m);
  run([
    "systemd-tmpfiles",
    `--root=${target}`,
    "--create",
    join(w, "pkg/usr/lib/tmpfiles.d/tunnelc-tunnels.conf"),
  ]);
  const uid = Number(entry("tunnel")!.split(":")[2]);
  for (const dir of ["var/lib/tunnelc/tunnel", "var/lib/tunnelc/tunnel/.ssh"]) {
    const s = statSync(join(target, dir));
    assert.ok(s.isDirectory(), dir);
    assert.equal(s.mode & 0o777, 0o700, dir);
    assert.equal(s.uid, uid, dir);
  }
});

test("an account named like a system directory never takes /var/lib/NAME over (real systemd-tmpfiles)", (t) => {
  if (!needs(t, "systemd-sysusers", hasTool("systemd-sysusers"))) return;
  if (!needs(t, "systemd-tmpfiles", hasTool("systemd-tmpfiles"))) return;
  // /var/lib/private holds every DynamicUser= unit's state, /var/lib/dpkg scripts that run as
  // root: a tmpfiles.d d line would hand them to the tunnel's account at every boot.
  const names = ["private", "systemd", "dpkg"];
  const w = workDir({ tunnels: names.map((user, i) => tunnel(`t-${user}`, 2300 + i, { user })) });
  const r = tunnelc(["compile", "tunnels.json", "--root", "pkg"], { cwd: w });
  assert.equal(r.status, 0, r.stderr);
  const target = join(w, "target");
  for (const n of names) mkdirSync(join(target, "var/lib", n), { recursive: true, mode: 0o755 });
  mkdirSync(join(target, "etc"), { recursive: true });
  for (const [tool, dir, extra] of [
    ["systemd-sysusers", "sysusers.d", []],
    ["systemd-tmpfiles", "tmpfiles.d", ["--create"]],
  ] as const) {
    const p = spawnSync(
      tool,
      [`--root=${target}`, ...extra, join(w, `pkg/usr/lib/${dir}/tunnelc-tunnels.conf`)],
      { encoding: "utf8" },
    );
    assert.equal(p.status, 0, p.stderr);
  }
  for (const n of names) {
    const before = statSync(join(target, "var/lib", n));
    assert.equal([before.uid, before.mode & 0o777].join(" "), "0 493", `/var/lib/${n} kept`);
    assert.ok(statSync(join(target, "var/lib/tunnelc", n, ".ssh")).isDirectory());
  }
});

test("a home exactly when the unit reads ~/.ssh (ProtectHome=read-only)", () => {
  const r = compileSpecs([{ file: "tunnels.json", text: JSON.stringify(SPEC) }]);
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  const seen = new Set<boolean>();
  for (const t of r.model.tunnels) {
    if (t.tunnel.scope === "user") continue;
    const unit = r.units.find((u) => u.name === t.tunnel.name)!;
    assert.equal(/^ProtectHome=read-only$/m.test(unit.text), readsHome(t.tunnel), t.tunnel.name);
    seen.add(readsHome(t.tunnel));
  }
  assert.equal(seen.size, 2, "both kinds of tunnel are compared");
});

test("no account to create: no file, and --only narrows the accounts", () => {
  const none = workDir({ tunnels: [tunnel("dynamic", 2226, { identity: "/etc/tunnelc/keys/d" })] });
  const r = tunnelc(["compile", "tunnels.json", "-o", "u", "--sysusers", "s", "--tmpfiles", "t"], {
    cwd: none,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(none).sort(), ["tunnels.json", "u"]);
  const w = workDir();
  const only = tunnelc(
    [
      "compile",
      "tunnels.json",
      "--only",
      "pinned",
      "-o",
      "u",
      "--sysusers",
      "s",
      "--tmpfiles",
      "t",
    ],
    { cwd: w },
  );
  assert.equal(only.status, 0, only.stderr);
  assert.match(
    readFileSync(join(w, "s/tunnelc-tunnels.conf"), "utf8"),
    /^u tunnelp - "SSH tunnel \(tunnelc\)" - -\n$/m,
  );
  assert.deepEqual(readdirSync(w).sort(), ["s", "tunnels.json", "u"]);
});

test("file names: one per spec, in file-name-safe characters", () => {
  assert.equal(accountFileName("tunnels.json"), "tunnelc-tunnels.conf");
  assert.equal(accountFileName("-"), "tunnelc-stdin.conf");
  assert.equal(accountFileName("my spec\n.json"), "tunnelc-my_spec_.conf");
  const r = compileSpecs([
    { file: "b.json", text: JSON.stringify({ tunnels: [tunnel("b", 2230, { user: "zed" })] }) },
    {
      file: "a.json",
      text: JSON.stringify({
        tunnels: [tunnel("a", 2231, { user: "amy", identity: "/k/a", server: server(true) })],
      }),
    },
  ]);
  assert.ok(r.ok);
  const files = accountFiles(r.model.tunnels);
  assert.deepEqual(
    files.map((f) => f.fileName),
    ["tunnelc-a.conf", "tunnelc-b.conf"],
  );
  assert.equal(renderTmpfiles(files[0]!), undefined);
  assert.match(renderSysusers(files[1]!), /^u zed /m);
});

test("an account name systemd-sysusers would refuse never reaches the file", () => {
  for (const user of ["9lives", "a.b", "x".repeat(32), "tun nel", "-x"]) {
    const w = workDir({ tunnels: [tunnel("t", 2232, { user })] });
    const r = tunnelc(["compile", "tunnels.json", "-o", "u", "--sysusers", "s"], { cwd: w });
    assert.equal(r.status, 1, user);
    assert.match(r.stderr, /\/tunnels\/0\/user/, user);
    assert.deepEqual(readdirSync(w), ["tunnels.json"], user);
  }
});

const pkgConfig = (variable: string) => `pkg-config --variable=${variable} systemd`;

test("--root's directories: pkg-config's answer, else systemd's defaults", () => {
  const debian = fakeGatherer({
    probes: {
      [pkgConfig("systemdsystemunitdir")]: { status: 0, out: "/lib/systemd/system\n" },
      [pkgConfig("systemduserunitdir")]: { status: 0, out: "/usr/lib/systemd/user\n" },
      [pkgConfig("sysusersdir")]: { status: 0, out: "/usr/lib/sysusers.d\n" },
      // An older systemd.pc without the variable: an empty line.
      [pkgConfig("tmpfilesdir")]: { status: 0, out: "\n" },
    },
  });
  assert.deepEqual(distroDirs("/pkg", debian.gather(distroDirQueries())), {
    systemUnits: "/pkg/lib/systemd/system",
    userUnits: "/pkg/usr/lib/systemd/user",
    sysusers: "/pkg/usr/lib/sysusers.d",
    tmpfiles: "/pkg/usr/lib/tmpfiles.d",
    defaulted: ["tmpfilesdir"],
  });
  // No pkg-config (127), no systemd.pc (1), or an answer that is no plain absolute path.
  const missing = fakeGatherer({
    probes: {
      [pkgConfig("systemdsystemunitdir")]: { status: 127, out: "" },
      [pkgConfig("systemduserunitdir")]: { status: 1, out: "Package systemd was not found\n" },
      [pkgConfig("sysusersdir")]: { status: 0, out: "relative/dir\n" },
      [pkgConfig("tmpfilesdir")]: { status: 0, out: "/usr/../etc\n" },
    },
  });
  const fallback = distroDirs("/pkg", missing.gather(distroDirQueries()));
  assert.deepEqual(
    fallback.defaulted,
    Object.values(DIRS).map((d) => d.variable),
  );
  assert.equal(fallback.systemUnits, "/pkg/usr/lib/systemd/system");
  assert.equal(fallback.sysusers, "/pkg/usr/lib/sysusers.d");
});

test("compile --root: system and user units where this machine's pkg-config says", (t) => {
  const w = workDir();
  const r = tunnelc(["compile", "tunnels.json", "--root", "pkg"], { cwd: w });
  assert.equal(r.status, 0, r.stderr);
  const ask = (v: string) =>
    spawnSync("pkg-config", [`--variable=${v}`, "systemd"], { encoding: "utf8" });
  const said = (v: string, fallback: string) => {
    const p = ask(v);
    return p.status === 0 && p.stdout.trim().startsWith("/") ? p.stdout.trim() : fallback;
  };
  if (!needs(t, "pkg-config and systemd.pc", ask("systemdsystemunitdir").status === 0)) return;
  const sys = join(w, "pkg", said("systemdsystemunitdir", DIRS.systemUnits.fallback));
  const user = join(w, "pkg", said("systemduserunitdir", DIRS.userUnits.fallback));
  assert.ok(readdirSync(sys).includes("office.service"));
  assert.ok(!readdirSync(sys).includes("mine.service"));
  assert.deepEqual(readdirSync(user), ["mine.service"]);
  const json = tunnelc(["compile", "tunnels.json", "--root", "again", "--json"], { cwd: w });
  assert.equal(json.status, 0, json.stderr);
  const report = JSON.parse(json.stdout) as { accounts: string[]; files: string[] };
  assert.deepEqual(report.accounts, ["tunnel", "tunnelp"]);
  assert.deepEqual(report.files, [
    join("again", said("sysusersdir", DIRS.sysusers.fallback), "tunnelc-tunnels.conf"),
    join("again", said("tmpfilesdir", DIRS.tmpfiles.fallback), "tunnelc-tunnels.conf"),
  ]);
  const both = tunnelc(["compile", "tunnels.json", "--root", "pkg", "-o", "units"], { cwd: w });
  assert.equal(both.status, 2);
  assert.match(both.stderr, /--root pkg and -o units both say where the units go/);
});

/** A docs block run as written, with tunnelc on PATH, $pkgdir and $ROOT in a temporary dir. */
function runDocBlock(kind: string) {
  const w = workDir();
  const bin = join(w, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "tunnelc"), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, "tunnelc"), 0o755);
  const pkgdir = join(w, "pkg");
  const root = join(w, "root");
  mkdirSync(join(root, "etc"), { recursive: true });
  const r = spawnSync("bash", ["-euo", "pipefail", "-c", docBlock(kind)], {
    cwd: w,
    encoding: "utf8",
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, pkgdir, ROOT: root, NO_COLOR: "1" },
  });
  return { ...r, pkgdir, root };
}

test("docs/packaging.md: the accounts block creates the account below $ROOT", (t) => {
  if (!needs(t, "systemd-sysusers", hasTool("systemd-sysusers"))) return;
  const r = runDocBlock("packaging-accounts");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^tunnel:x:\d+:\d+:SSH tunnel \(tunnelc\):\/var\/lib\/tunnelc\/tunnel:/m);
  assert.ok(statSync(join(r.root, "var/lib/tunnelc/tunnel/.ssh")).isDirectory());
});

test("docs/packaging.md: the completions block installs the three scripts", () => {
  const r = runDocBlock("packaging-completions");
  assert.equal(r.status, 0, r.stderr);
  const ask = spawnSync("pkg-config", ["--variable=completionsdir", "bash-completion"], {
    encoding: "utf8",
  });
  const bashdir =
    ask.status === 0 && ask.stdout.trim() !== ""
      ? ask.stdout.trim()
      : "/usr/share/bash-completion/completions";
  for (const [shell, path] of [
    ["bash", `${bashdir}/tunnelc`],
    ["zsh", "/usr/share/zsh/vendor-completions/_tunnelc"],
    ["fish", "/usr/share/fish/vendor_completions.d/tunnelc.fish"],
  ] as const)
    assert.equal(
      readFileSync(join(r.pkgdir, path), "utf8"),
      tunnelc(["completion", shell]).stdout,
      path,
    );
});

test("compile --root writes nothing through a link that leads out of the root", () => {
  const w = workDir();
  mkdirSync(join(w, "out"));
  mkdirSync(join(w, "pkg/usr/lib"), { recursive: true });
  symlinkSync(join(w, "out"), join(w, "pkg/usr/lib/sysusers.d"));
  const r = tunnelc(["compile", "tunnels.json", "--root", "pkg"], { cwd: w });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /is a symbolic link to .*an absolute path; below --root/);
  assert.deepEqual(readdirSync(join(w, "out")), []);
});
