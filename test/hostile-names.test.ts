// Names that belong to the system (issue 16, §3): a tunnel never takes the name of a unit the
// system has, never replaces an alias link or a file tunnelc did not write, and never runs as an
// existing account. The generator's planner as a table, then the built CLI on temp directories.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planGeneration } from "../src/generator/plan.ts";
import { compileSpecs } from "../src/render/units.ts";
import { tunnelc } from "./helpers/run-cli.ts";
import { needs } from "./helpers/prereq.ts";
import {
  hasSystemdAnalyze,
  hasSystemdTest,
  systemdDump,
  verifyUnits,
  withUnitDir,
} from "./helpers/systemd.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "tunnelc-names-"));
const spec = (name: string, port = 2222) =>
  `{ "name": "${name}", "server": { "host": "relay.example.net", "user": "r" }, "identity": "/etc/tunnelc/keys/${name}", "forwards": [{ "remote": ${port}, "to": "localhost:22" }] }\n`;
const BROKEN = (name: string) =>
  `{ "name": "${name}",\n  "server": { "host": "-oProxyCommand=x", "user": "r" },\n  "forwards": [] }\n`;
const OUT = "/run/systemd/generator";
const VENDOR = "/usr/lib/systemd/system";
const SYSTEM_UNITS = new Map([
  ["/etc/systemd/system", new Set(["sshd.service", "multi-user.target.wants"])],
  [VENDOR, new Set(["ssh.service", "dbus.service", "cron.service"])],
]);

// Each case: the specs in /etc/tunnelc, the units written, and the name problems (file:line:col).
const GENERATOR: {
  name: string;
  specs: [string, string][];
  units: string[];
  taken: string[];
}[] = [
  {
    name: "a tunnel named after a package's unit (OpenSSH's ssh.service)",
    specs: [
      ["ssh.json", spec("ssh")],
      ["home.json", spec("home", 2223)],
    ],
    units: ["home.service"],
    taken: [`/etc/tunnelc/ssh.json:1:11: /name: ${VENDOR}/ssh.service exists`],
  },
  {
    name: "a tunnel named after an alias link in /etc (Debian's sshd.service)",
    specs: [["sshd.json", spec("sshd")]],
    units: [],
    taken: ["/etc/tunnelc/sshd.json:1:11: /name: /etc/systemd/system/sshd.service exists"],
  },
  {
    name: "a fleet: the one tunnel named dbus, the others still generated",
    specs: [
      [
        "fleet.json",
        `{ "defaults": { "server": { "host": "relay.example.net", "user": "r" }, "identity": "/etc/tunnelc/keys/k" },\n  "tunnels": [\n    { "name": "cam", "forwards": [{ "remote": 2301, "to": "localhost:22" }] },\n    { "name": "dbus", "forwards": [{ "remote": 2302, "to": "localhost:22" }] } ] }\n`,
      ],
    ],
    units: ["cam.service"],
    taken: [`/etc/tunnelc/fleet.json:4:15: /tunnels/1/name: ${VENDOR}/dbus.service exists`],
  },
  {
    name: "a broken spec named cron: no broken-spec unit of that name either",
    specs: [["cron.json", BROKEN("cron")]],
    units: [],
    taken: [`/etc/tunnelc/cron.json:1:1: ${VENDOR}/cron.service exists`],
  },
];

for (const c of GENERATOR)
  test(`generator: ${c.name}`, () => {
    const plan = planGeneration(
      [
        {
          dir: "/etc/tunnelc",
          specs: c.specs.map(([f, text]) => ({ file: `/etc/tunnelc/${f}`, text })),
        },
      ],
      { user: false, normalDir: OUT, systemUnits: SYSTEM_UNITS },
    );
    const units = plan.files
      .map((f) => f.path.slice(OUT.length + 1))
      .filter((f) => f.endsWith(".service"));
    assert.deepEqual(units, c.units);
    assert.deepEqual(
      plan.links.map((l) => l.target),
      c.units.map((u) => `../${u}`),
    );
    const taken = plan.problems.filter((d) => d.code === "generator/name-taken");
    assert.deepEqual(
      taken.map((d) => {
        const l = d.location;
        const where = `${l.file}:${l.line}:${l.column}: ${l.pointer ? `${l.pointer}: ` : ""}`;
        return `${where}${d.message.replace(/: systemd loads .*/, "")}`;
      }),
      c.taken,
    );
    for (const d of taken) {
      assert.equal(d.severity, "error");
      assert.match(d.message, /; rename the tunnel \(or remove that unit/);
    }
    const status = JSON.parse(plan.files.at(-1)!.text) as { ok: boolean };
    assert.equal(status.ok, false);
  });

// The built generator over this machine's own unit directories (read only): systemd's journald
// is on every systemd host, in /usr/lib/systemd/system or /lib/systemd/system.
test("generate --dry-run: a spec named systemd-journald is a located problem, the other specs still generated", (t) => {
  const journald = ["/usr/lib/systemd/system", "/lib/systemd/system"]
    .map((d) => join(d, "systemd-journald.service"))
    .find((p) => existsSync(p));
  if (!needs(t, "systemd's systemd-journald.service", journald !== undefined)) return;
  const dir = tmp();
  writeFileSync(join(dir, "j.json"), spec("systemd-journald"));
  writeFileSync(join(dir, "home.json"), spec("home", 2223));
  const r = tunnelc(["generate", "--dry-run", "--spec-dir", dir]);
  assert.equal(r.status, 1, r.stderr);
  assert.doesNotMatch(r.stdout, /^### .*systemd-journald\.service/m);
  assert.match(r.stdout, /^### \/run\/systemd\/generator\/home\.service$/m);
  assert.match(
    r.stderr,
    new RegExp(
      `^${dir}/j\\.json:1:11: /name: /(usr/)?lib/systemd/system/systemd-journald\\.service exists: systemd loads one unit per name and the generator never takes another unit's, so none is generated for tunnel systemd-journald; rename the tunnel \\(or remove that unit if it is an old copy of this tunnel, tunnelc uninstall\\)$`,
      "m",
    ),
  );
  const out = join(dir, "out");
  mkdirSync(out);
  assert.equal(tunnelc(["generate", "--spec-dir", dir, out]).status, 0);
  assert.deepEqual(readdirSync(out).sort(), [
    "home.service",
    "multi-user.target.wants",
    "tunnelc-generator-keep.service",
    "tunnelc-generator.memo",
    "tunnelc-generator.status",
  ]);
  assert.match(
    readFileSync(join(out, "tunnelc-generator.status"), "utf8"),
    /generator\/name-taken/,
  );
});

/** Everything below a directory: each path with a file's text or a link's target. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const s = lstatSync(p);
      if (s.isSymbolicLink()) out[p] = `-> ${readlinkSync(p)}`;
      else if (s.isDirectory()) walk(p);
      else out[p] = readFileSync(p, "utf8");
    }
  };
  walk(root);
  return out;
}

const FOREIGN = "[Unit]\nDescription=someone else's\n[Service]\nExecStart=/bin/true\n";

// Each case: what is in the tree, the command (ROOT and SPEC replaced), the refusal on stderr.
// Exit 1 and the tree byte for byte as it was.
const REFUSALS: {
  name: string;
  tunnel: string;
  files?: Record<string, string>;
  links?: Record<string, string>;
  argv: string[];
  message: RegExp;
}[] = [
  {
    name: "compile -o over Debian's sshd.service alias link",
    tunnel: "sshd",
    links: { "etc/systemd/system/sshd.service": "/lib/systemd/system/ssh.service" },
    files: { "lib/systemd/system/ssh.service": FOREIGN },
    argv: ["compile", "SPEC", "-o", "ROOT/etc/systemd/system"],
    message:
      /ROOT\/etc\/systemd\/system\/sshd\.service is a link to \/lib\/systemd\/system\/ssh\.service \(an alias or a mask\) that tunnelc did not make; refusing to replace it: rename the tunnel/,
  },
  {
    name: "compile -o over a dangling alias link",
    tunnel: "sshd",
    links: { "out/sshd.service": "/nonexistent/ssh.service" },
    argv: ["compile", "SPEC", "-o", "ROOT/out"],
    message: /ROOT\/out\/sshd\.service is a link to \/nonexistent\/ssh\.service/,
  },
  {
    name: "compile -o over a file tunnelc did not write, in a build directory",
    tunnel: "home",
    files: { "out/home.service": FOREIGN },
    argv: ["compile", "SPEC", "-o", "ROOT/out"],
    message:
      /ROOT\/out\/home\.service exists and was not generated by tunnelc; refusing to overwrite it: remove or rename it yourself, write elsewhere, or use tunnelc install --force/,
  },
  {
    name: "compile -o into a tree's etc/systemd/system, a package's ssh.service in usr/lib",
    tunnel: "ssh",
    files: { "usr/lib/systemd/system/ssh.service": FOREIGN },
    argv: ["compile", "SPEC", "-o", "ROOT/etc/systemd/system"],
    message:
      /ROOT\/usr\/lib\/systemd\/system\/ssh\.service exists: a tunnel named ssh in ROOT\/etc\/systemd\/system would take the name of that unit .*; refusing: rename the tunnel/,
  },
  {
    name: "compile -o into a tree's usr/lib/systemd/system, the admin's ssh.service in etc",
    tunnel: "ssh",
    files: { "etc/systemd/system/ssh.service": FOREIGN },
    argv: ["compile", "SPEC", "-o", "ROOT/usr/lib/systemd/system"],
    message: /ROOT\/etc\/systemd\/system\/ssh\.service exists: a tunnel named ssh/,
  },
  {
    name: "install --root, a package's ssh.service in usr/lib/systemd/system",
    tunnel: "ssh",
    files: { "usr/lib/systemd/system/ssh.service": FOREIGN },
    argv: ["install", "SPEC", "--root", "ROOT", "--enable"],
    message: /ROOT\/usr\/lib\/systemd\/system\/ssh\.service exists: a tunnel named ssh/,
  },
  {
    name: "install --root, a package's unit in lib/systemd/system (no merged /usr)",
    tunnel: "cron",
    files: { "lib/systemd/system/cron.service": FOREIGN },
    argv: ["install", "SPEC", "--root", "ROOT"],
    message: /ROOT\/lib\/systemd\/system\/cron\.service exists: a tunnel named cron/,
  },
  {
    name: "install --root --force over the sshd.service alias link",
    tunnel: "sshd",
    links: { "etc/systemd/system/sshd.service": "/lib/systemd/system/ssh.service" },
    argv: ["install", "SPEC", "--root", "ROOT", "--force"],
    message:
      /ROOT\/etc\/systemd\/system\/sshd\.service is a link to \/lib\/systemd\/system\/ssh\.service/,
  },
  {
    name: "install --root --user, a package's user unit in usr/lib/systemd/user",
    tunnel: "pipewire",
    files: { "usr/lib/systemd/user/pipewire.service": FOREIGN },
    argv: ["install", "SPEC", "--root", "ROOT", "--user"],
    message: /ROOT\/usr\/lib\/systemd\/user\/pipewire\.service exists: a tunnel named pipewire/,
  },
];

for (const c of REFUSALS)
  test(`refused, nothing written: ${c.name}`, () => {
    const root = tmp();
    const tree = join(root, "tree");
    for (const [p, text] of Object.entries(c.files ?? {})) {
      mkdirSync(join(tree, p, ".."), { recursive: true });
      writeFileSync(join(tree, p), text);
    }
    for (const [p, target] of Object.entries(c.links ?? {})) {
      mkdirSync(join(tree, p, ".."), { recursive: true });
      symlinkSync(target, join(tree, p));
    }
    const specFile = join(root, `${c.tunnel}.json`);
    const user = c.argv.includes("--user");
    writeFileSync(
      specFile,
      user ? spec(c.tunnel).replace(/ }\n$/, `, "scope": "user" }\n`) : spec(c.tunnel),
    );
    const before = snapshot(tree);
    const argv = c.argv.map((a) => a.replace("ROOT", tree).replace("SPEC", specFile));
    const r = tunnelc(argv);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr.replaceAll(tree, "ROOT"), c.message);
    assert.deepEqual(snapshot(tree), before);
  });

test("compile -o still overwrites its own unit, and writes a build directory without a search path", () => {
  const root = tmp();
  const specFile = join(root, "ssh.json");
  writeFileSync(specFile, spec("ssh"));
  // A build directory is no manager's unit directory: the name is checked where it is installed.
  const out = join(root, "units");
  assert.equal(tunnelc(["compile", specFile, "-o", out]).status, 0);
  writeFileSync(specFile, spec("ssh", 2299));
  const again = tunnelc(["compile", specFile, "-o", out]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(readFileSync(join(out, "ssh.service"), "utf8"), /2299/);
});

// A dynamic tunnel's account: never the unit's name, which systemd would take as the account and
// reuse a static account of (systemd.exec(5) DynamicUser=). Each case: the tunnel's name, the
// account, and whether the spec has a server.user (else ssh -l keeps the login, the name).
const LONG = `t${"x".repeat(60)}`;
const ACCOUNTS: { name: string; account: string; serverUser?: string }[] = [
  { name: "root", account: "tunnelc-root" },
  { name: "nobody", account: "tunnelc-nobody" },
  { name: "daemon", account: "tunnelc-daemon", serverUser: "relay" },
  { name: "home", account: "tunnelc-home" },
  // Names systemd's strict syntax refuses: "." and more than 31 characters with the prefix.
  { name: "tuned_1.x", account: "tunnelc-tuned_1_x-b0e56750" },
  { name: "tuned_1_x", account: "tunnelc-tuned_1_x" },
  { name: LONG, account: /^tunnelc-txxxxxxxxxxxxx-[0-9a-f]{8}$/.source },
  { name: "123", account: "tunnelc-123" },
];

const accountSpec = (c: (typeof ACCOUNTS)[number]) =>
  JSON.stringify({
    name: c.name,
    server: { host: "relay.example.net", ...(c.serverUser && { user: c.serverUser }) },
    identity: `/etc/tunnelc/keys/${c.name}`,
    forwards: [{ remote: 2222, to: "localhost:22" }],
  });

function accountUnits(): Record<string, string> {
  const r = compileSpecs(
    ACCOUNTS.map((c) => ({ file: `/etc/tunnelc/${c.name}.json`, text: accountSpec(c) })),
  );
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  return Object.fromEntries(r.units.map((u) => [u.fileName, u.text]));
}

test("a dynamic tunnel runs as tunnelc's own account, valid for systemd, one per tunnel; ssh -l keeps its login", () => {
  const units = accountUnits();
  const seen = new Set<string>();
  for (const c of ACCOUNTS) {
    const text = units[`${c.name}.service`]!;
    assert.match(text, /^DynamicUser=yes$/m);
    const user = /^User=(.*)$/m.exec(text)?.[1];
    assert.ok(user !== undefined, `${c.name}: no User=`);
    assert.match(
      user,
      new RegExp(`^${c.account.startsWith("^") ? c.account.slice(1, -1) : c.account}$`),
    );
    // systemd.exec(5) "User/Group Name Syntax", the strict form DynamicUser= asks for.
    assert.match(user, /^[A-Za-z_][A-Za-z0-9_-]{0,30}$/);
    assert.ok(!seen.has(user), `${user} twice`);
    seen.add(user);
    const login = c.serverUser ?? c.name;
    assert.match(
      text,
      new RegExp(`^    -l ${login.replace(/\./g, "\\.")} -p 22 -- relay\\.example\\.net$`, "m"),
    );
  }
});

test("systemd reads each dynamic account as tunnelc's (systemd --test), and verify is clean", (t) => {
  if (!needs(t, "systemd --test (setpriv, systemd)", hasSystemdTest())) return;
  if (!needs(t, "systemd-analyze", hasSystemdAnalyze())) return;
  const units = accountUnits();
  withUnitDir(units, (dir) => {
    const names = Object.keys(units);
    const dump = systemdDump(dir, names);
    for (const c of ACCOUNTS) {
      const block = dump.split(`\t-> Unit ${c.name}.service:\n`)[1]?.split("\t-> Unit ")[0] ?? "";
      const user = /^\t\tUser: (.*)$/m.exec(block)?.[1];
      assert.ok(user?.startsWith("tunnelc-"), `${c.name}: systemd runs it as ${user}`);
    }
    const v = verifyUnits(names.map((n) => join(dir, n)));
    assert.ok(v.ok, v.output);
  });
});
