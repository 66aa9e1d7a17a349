// Every --json report is one object on stdout with the same envelope: `ok`, `diagnostics` (each
// with all seven keys), then the command's own fields; on a good spec, a bad spec, a refusal, a
// system error and a usage error alike (docs/cli.md "JSON"). Fake systemctl and ssh-keyscan on
// PATH keep the table off this machine's manager and off the network.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./helpers/paths.ts";
import { tunnelc } from "./helpers/run-cli.ts";
import { hasTool, needs } from "./helpers/prereq.ts";

const EXAMPLES = join(ROOT, "docs", "examples");
const ED = "AAAAC3NzaC1lZDI1NTE5AAAAICrEM716nxe4LfvKB6vD0AJ/7XlaayCe0GE1zFcdYHA3";
const KEYS = ["code", "column", "file", "line", "message", "pointer", "severity"];

/** A scratch tree: specs, a --root, and a bin directory of fakes put first on PATH. */
function setup(keyscan: string) {
  const w = mkdtempSync(join(tmpdir(), "tunnelc-envelope-"));
  const bin = join(w, "bin");
  mkdirSync(bin);
  const fake = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  fake("systemctl", "exit 0");
  fake("ssh-keyscan", keyscan);
  for (const f of ["office.json", "fleet.json", "phone-home.json"])
    writeFileSync(join(w, f), readFileSync(join(EXAMPLES, f)));
  writeFileSync(join(w, "bad.json"), '{ "name": 1, "server": "relay:0" }\n');
  writeFileSync(join(w, "not-a-dir"), "");
  return { w, env: { PATH: `${bin}:${process.env.PATH}` } };
}

const SCAN = `echo "relay.example.net ssh-ed25519 ${ED}"`;
const FOREIGN = "[Unit]\nDescription=someone else's\n";

interface Case {
  name: string;
  args: string[];
  status: number | "0 or 1";
  /** The code of a diagnostic the report must have. */
  code?: string;
  before?: (w: string) => void;
  keyscan?: string;
  /** The command's own fields a report must have. */
  fields?: string[];
}

const R = "root";
const unitDir = (w: string) => join(w, R, "etc/systemd/system");
const CASES: Case[] = [
  { name: "compile", args: ["compile", "office.json"], status: 0, fields: ["units"] },
  { name: "compile bad", args: ["compile", "bad.json"], status: 1, code: "schema/type" },
  {
    name: "compile unwritable",
    args: ["compile", "office.json", "-o", "/proc/sys/tunnelc-x/units"],
    status: 3,
    code: "system/io",
  },
  { name: "validate", args: ["validate", "office.json"], status: 0, fields: ["specs"] },
  { name: "validate bad", args: ["validate", "bad.json"], status: 1, code: "schema/type" },
  {
    name: "install",
    args: ["install", "office.json", "--root", R],
    status: 0,
    fields: ["dryRun", "units", "commands"],
  },
  { name: "install bad", args: ["install", "bad.json", "--root", R], status: 1 },
  {
    name: "install over a foreign unit",
    args: ["install", "office.json", "--root", R],
    before: (w) => {
      mkdirSync(unitDir(w), { recursive: true });
      writeFileSync(join(unitDir(w), "office-db.service"), FOREIGN);
    },
    status: 1,
    code: "install/foreign-unit",
  },
  {
    name: "uninstall",
    args: ["uninstall", "office.json", "--root", R],
    before: (w) => tunnelc(["install", join(w, "office.json"), "--root", join(w, R)]),
    status: 0,
    fields: ["dryRun", "removed", "commands"],
  },
  { name: "uninstall bad", args: ["uninstall", "bad.json", "--root", R], status: 1 },
  {
    name: "uninstall of nothing",
    args: ["uninstall", "office-db", "--root", R],
    status: 1,
    code: "uninstall/not-installed",
  },
  { name: "status", args: ["status", "--root", R], status: 0, fields: ["tunnels", "missing"] },
  {
    name: "status of nothing",
    args: ["status", "nope", "--root", R],
    status: 1,
    code: "status/not-installed",
  },
  {
    name: "diff",
    args: ["diff", "office.json", "--root", R],
    status: 0,
    fields: ["differs", "units"],
  },
  { name: "diff bad", args: ["diff", "bad.json", "--root", R], status: 1 },
  {
    name: "trust",
    args: ["trust", "office.json", "--dry-run"],
    status: 0,
    fields: ["written", "tunnels"],
  },
  { name: "trust bad", args: ["trust", "bad.json"], status: 1 },
  {
    name: "trust without keys",
    args: ["trust", "office.json", "--dry-run"],
    keyscan: "exit 1",
    status: 3,
    code: "trust/no-host-keys",
  },
  { name: "relay", args: ["relay", "fleet.json"], status: 0, fields: ["authorizedKeys"] },
  {
    name: "relay --sshd-config",
    args: ["relay", "fleet.json", "--sshd-config"],
    status: 0,
    fields: ["sshdConfig"],
  },
  { name: "relay bad", args: ["relay", "bad.json"], status: 1 },
  {
    name: "relay without a public key",
    args: ["relay", "phone-home.json"],
    status: 1,
    code: "relay/public-key",
  },
  { name: "ssh-config", args: ["ssh-config", "fleet.json"], status: 0, fields: ["sshConfig"] },
  { name: "ssh-config bad", args: ["ssh-config", "bad.json"], status: 1 },
  { name: "doctor", args: ["doctor", "office.json"], status: "0 or 1", fields: ["checks"] },
  { name: "doctor bad", args: ["doctor", "bad.json"], status: 1 },
  {
    name: "init",
    args: [
      "init",
      "new.json",
      "--server",
      "me@relay.example.net",
      "-D",
      "1080",
      "--no-keygen",
      "--account",
      "me",
    ],
    status: 0,
    fields: ["file", "spec", "key"],
  },
  {
    name: "init refusing to overwrite",
    args: [
      "init",
      "office.json",
      "--server",
      "relay.example.net",
      "-D",
      "1080",
      "--no-keygen",
      "--account",
      "me",
    ],
    status: 2,
    code: "usage/invalid",
  },
  { name: "keygen bad", args: ["keygen", "bad.json", "--root", R], status: 1 },
  {
    name: "relay --sysctl",
    args: ["relay", "fleet.json", "--sysctl"],
    status: 0,
    fields: ["sysctl"],
  },
  {
    name: "generate --dry-run",
    args: ["generate", "--dry-run", "--spec-dir", "."],
    status: 1,
    code: "schema/type",
    fields: ["dryRun", "files", "links", "specs"],
  },
  {
    name: "generate --dry-run, good specs",
    args: ["generate", "--dry-run", "--spec-dir", "good"],
    before: (w) => {
      mkdirSync(join(w, "good"));
      copyFileSync(join(w, "office.json"), join(w, "good", "office.json"));
    },
    status: 0,
    fields: ["dryRun", "files", "links", "specs"],
  },
  { name: "usage error", args: ["validate", "office.json", "--bogus"], status: 2 },
  { name: "usage refused", args: ["install", "office.json", "--now", "--root", R], status: 2 },
];

for (const c of CASES)
  test(`--json envelope: ${c.name} (${c.args.join(" ")})`, () => {
    const { w, env } = setup(c.keyscan ?? SCAN);
    c.before?.(w);
    const r = tunnelc([...c.args.map((a) => (a === R ? join(w, R) : a)), "--json"], {
      cwd: w,
      env,
    });
    assertEnvelope(r, c);
  });

function assertEnvelope(r: { status: number | null; stdout: string; stderr: string }, c: Case) {
  if (c.status === "0 or 1") assert.ok(r.status === 0 || r.status === 1, r.stderr);
  else assert.equal(r.status, c.status, r.stdout + r.stderr);
  // Exactly one object and nothing else: JSON.parse takes no trailing text.
  const report = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(r.stdout, `${JSON.stringify(report, null, 2)}\n`);
  assert.equal(report.ok, r.status === 0, "ok is true exactly when the exit status is 0");
  assert.deepEqual(Object.keys(report).slice(0, 2), ["ok", "diagnostics"]);
  const ds = report.diagnostics as Record<string, unknown>[];
  assert.ok(Array.isArray(ds));
  for (const d of ds) assert.deepEqual(Object.keys(d).sort(), KEYS);
  if (r.status !== 0 && c.status !== "0 or 1") assert.ok(ds.length > 0, "a failure says why");
  if (c.code)
    assert.ok(
      ds.some((d) => d.code === c.code),
      JSON.stringify(ds),
    );
  for (const f of c.fields ?? []) assert.ok(f in report, `${f} in ${Object.keys(report)}`);
}

test("--json envelope: keygen, and keygen refusing an existing key", (t) => {
  if (!needs(t, "ssh-keygen", hasTool("sh", ["-c", "command -v ssh-keygen"]))) return;
  const { w, env } = setup(SCAN);
  const args = ["keygen", "home", "--root", join(w, R), "--json"];
  const made = tunnelc(args, { cwd: w, env });
  assertEnvelope(made, { name: "keygen", args, status: 0, fields: ["keys"] });
  const again = tunnelc(args, { cwd: w, env });
  assertEnvelope(again, { name: "keygen again", args, status: 1, code: "keygen/key-exists" });
  const d = (JSON.parse(again.stdout) as { diagnostics: { file: string }[] }).diagnostics[0]!;
  assert.equal(d.file, join(w, R, "etc/tunnelc/keys/home"), "the refusal names the key file");
});

test("--json envelope: a refused foreign unit names the unit file, with no line", () => {
  const { w, env } = setup(SCAN);
  mkdirSync(unitDir(w), { recursive: true });
  writeFileSync(join(unitDir(w), "office-db.service"), FOREIGN);
  const r = tunnelc(["install", "office.json", "--root", join(w, R), "--json"], { cwd: w, env });
  const d = (JSON.parse(r.stdout) as { diagnostics: Record<string, unknown>[] }).diagnostics[0]!;
  assert.deepEqual(
    [d.file, d.line, d.column, d.pointer],
    [join(unitDir(w), "office-db.service"), null, null, null],
  );
});
