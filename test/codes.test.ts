// The registry of codes (src/codes.ts): every code the source reports is in it (the type system
// holds that: `code` fields are typed `Code`), every entry is one the source can report, and
// docs/codes.md is the registry as generated (npm run docs).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CODES, schemaCode } from "../src/codes.ts";
import { codesPage } from "../scripts/codes-page.mjs";
import { ROOT } from "./helpers/paths.ts";
import { tunnelc } from "./helpers/run-cli.ts";

const sources = (readdirSync(join(ROOT, "src"), { recursive: true }) as string[])
  .filter((f) => f.endsWith(".ts") && f !== "codes.ts")
  .map((f) => readFileSync(join(ROOT, "src", f), "utf8"))
  .join("\n");
const schemaText = readFileSync(join(ROOT, "schemas", "tunnel.schema.json"), "utf8");

// Made by the validator from ajv's keyword, not written as a literal (src/specfile/validate.ts).
const FROM_KEYWORD = (code: string): boolean =>
  code.startsWith("schema/") && schemaText.includes(`"${code.slice("schema/".length)}"`);

test("every code in the registry is one the source reports", () => {
  const unused = Object.keys(CODES).filter(
    (c) => !sources.includes(`"${c}"`) && !FROM_KEYWORD(c) && c !== "schema/invalid",
  );
  assert.deepEqual(unused, []);
});

test("every code has a meaning and a fix, each one sentence or more ending in a full stop", () => {
  for (const [code, info] of Object.entries(CODES)) {
    assert.match(code, /^[a-z]+(\/[a-z][a-z-]*[a-zA-Z]*)?$/, code);
    assert.match(info.meaning, /^[A-Za-z"'/].*[.)]$/s, `${code}: meaning`);
    assert.match(info.fix, /^[A-Za-z"'/].*[.)]$/s, `${code}: fix`);
  }
});

test("a schema keyword is its own code, any other keyword schema/invalid", () => {
  assert.equal(schemaCode("type"), "schema/type");
  assert.equal(schemaCode("maxLength"), "schema/maxLength");
  assert.equal(schemaCode("dependentRequired"), "schema/invalid");
});

test("docs/codes.md is the registry (npm run docs writes it)", () => {
  assert.equal(readFileSync(join(ROOT, "docs", "codes.md"), "utf8"), codesPage(CODES));
});

// The one output channel (#17 §4), through the real CLI.
const work = (): string => mkdtempSync(join(tmpdir(), "tunnelc-codes-"));
const diagnosticsOf = (stdout: string) =>
  (JSON.parse(stdout) as { diagnostics: Record<string, unknown>[] }).diagnostics;

test("nosuchcmd --json: one diagnostic, one message, no help hint", () => {
  const r = tunnelc(["nosuchcmd", "--json"]);
  assert.equal(r.status, 2);
  const ds = diagnosticsOf(r.stdout);
  assert.equal(ds.length, 1);
  assert.equal(ds[0]!.message, 'unknown command "nosuchcmd"');
  assert.equal(ds[0]!.code, "usage/invalid");
});

test("a usage error with two problems is two diagnostics", () => {
  const r = tunnelc(["compile", "x.json", "--jsn", "--bogus", "--json"]);
  assert.equal(r.status, 2);
  assert.deepEqual(
    diagnosticsOf(r.stdout).map((d) => d.message),
    ["unknown option --jsn; did you mean --json?", "unknown option --bogus"],
  );
});

test("/server of the wrong type is reported once", () => {
  const w = work();
  writeFileSync(join(w, "s.json"), '{"name":"a","server":5,"forwards":[{"dynamic":1080}]}');
  const ds = diagnosticsOf(tunnelc(["validate", "s.json", "--json"], { cwd: w }).stdout);
  assert.deepEqual(
    ds.filter((d) => d.pointer === "/server").map((d) => d.message),
    ["must be a string or an object, not the number 5"],
  );
});

test("relay/public-key is located at the tunnel's field in its own file", () => {
  const w = work();
  writeFileSync(
    join(w, "r.json"),
    JSON.stringify(
      {
        name: "dev",
        server: { host: "relay.example.net", user: "tunnel" },
        identity: join(w, "missing-key"),
        forwards: [{ remote: 2222, to: "localhost:22" }],
      },
      null,
      2,
    ),
  );
  const r = tunnelc(["relay", "r.json", "--json"], { cwd: w });
  assert.equal(r.status, 1, r.stderr);
  const [d] = diagnosticsOf(r.stdout);
  assert.equal(d!.code, "relay/public-key");
  assert.equal(d!.file, "r.json");
  assert.equal(d!.pointer, "/identity");
  assert.equal(d!.line, 7);
});

test("generator install --json reports what it did", () => {
  const w = work();
  const args = ["generator", "install", "--root", join(w, "r"), "--json"];
  const first = tunnelc(args);
  assert.equal(first.status, 0, first.stderr);
  assert.deepEqual(JSON.parse(first.stdout), {
    ok: true,
    diagnostics: [],
    action: "write",
    path: join(w, "r", "usr/lib/systemd/system-generators/tunnelc-generator"),
    dryRun: false,
  });
  assert.equal((JSON.parse(tunnelc(args).stdout) as { action: string }).action, "unchanged");
});

test("install's warnings are diagnostics of severity warning, not a field of their own", () => {
  const w = work();
  writeFileSync(
    join(w, "u.json"),
    JSON.stringify({
      name: "cw",
      scope: "user",
      server: "me@192.0.2.1",
      forwards: [{ remote: 2222, to: "localhost:22" }],
    }),
  );
  const bin = join(w, "bin");
  mkdirSync(bin);
  writeFileSync(
    join(bin, "systemctl"),
    '#!/bin/sh\n[ "$1" = is-system-running ] && { echo running; exit 0; }\nexit 0\n',
  );
  writeFileSync(join(bin, "loginctl"), "#!/bin/sh\nexit 1\n");
  chmodSync(join(bin, "systemctl"), 0o755);
  chmodSync(join(bin, "loginctl"), 0o755);
  const env = { PATH: `${bin}:${process.env.PATH}`, XDG_CONFIG_HOME: join(w, "cfg"), HOME: w };
  const r = tunnelc(["install", "u.json", "--user", "--dry-run", "--json"], { cwd: w, env });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal("warnings" in report, false);
  const linger = diagnosticsOf(r.stdout).find((d) => d.code === "install/linger");
  assert.ok(linger, r.stdout);
  assert.equal(linger.severity, "warning");
  const text = tunnelc(["install", "u.json", "--user", "--dry-run"], { cwd: w, env });
  assert.match(text.stderr, /^warning: lingering is off/m);
});

test("one code for a spec that is too large, from a file, from stdin and in the generator", () => {
  const w = work();
  mkdirSync(join(w, "d"));
  const big = join(w, "d", "big.json");
  writeFileSync(big, "");
  truncateSync(big, 65 * 1024 * 1024);
  const codes = [
    diagnosticsOf(tunnelc(["validate", big, "--json"]).stdout)[0]!.code,
    diagnosticsOf(
      tunnelc(["validate", "-", "--json"], { input: " ".repeat(65 * 1024 * 1024) }).stdout,
    )[0]!.code,
  ];
  const gen = JSON.parse(
    tunnelc(["generate", "--dry-run", "--json", "--spec-dir", join(w, "d")]).stdout,
  ) as { diagnostics: { code: string }[] };
  codes.push(gen.diagnostics[0]!.code);
  assert.deepEqual(codes, ["json/too-large", "json/too-large", "json/too-large"]);
});

test("the generator's entry and the CLI word an error alike (one printer)", () => {
  const w = work();
  // bin/tunnelc.cjs runs this command line with dist/generator.cjs; --dry-run takes the full CLI.
  const lean = tunnelc(["generate", "--spec-dir", join(w, "nope"), join(w, "out")]);
  const full = tunnelc(["generate", "--dry-run", "--spec-dir", join(w, "nope")]);
  assert.equal(lean.status, 2);
  assert.equal(full.status, 2);
  assert.equal(lean.stderr, `tunnelc: --spec-dir ${join(w, "nope")}: no such directory\n`);
  assert.equal(full.stderr, lean.stderr);
});
