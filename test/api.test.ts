// The API (docs/api.md) as a packaging script meets it: this checkout packed, the tarball
// installed into a temporary project with no network, then the packaging scripts of
// docs/api.md build a package's units with `import { compile } from "tunnelc"` (an ES module)
// and `require("tunnelc")` (CommonJS), and a TypeScript consumer is type-checked against the
// declarations the package ships. The units must be the bytes `tunnelc compile -o DIR` writes,
// and a bad spec the same envelope `compile --json` prints, from the same installed package.
//
// As in test/package.test.ts: CI (.ci/run) packs the clean checkout first, prepack building
// dist/, and names the tarball in TUNNELC_TARBALL; otherwise npm pack runs here with
// --ignore-scripts on the tree as built (a rebuild would delete dist/ under the other test
// files running the CLI in parallel). One pack and one install for the whole file.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./helpers/paths.ts";
import { packedTarball } from "./helpers/pack.ts";

const EXAMPLES = join(ROOT, "docs", "examples");
const SPECS = ["office.json", "fleet.json", "phone-home.json"].map((f) => join(EXAMPLES, f));
const work = mkdtempSync(join(tmpdir(), "tunnelc-api-"));
const project = join(work, "packaging");
const installed = join(project, "node_modules", "tunnelc");

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, {
    cwd: project,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const node = (args: string[]) => run(process.execPath, args);
/** The installed package's own CLI. */
const tunnelc = (args: string[]) => node([join(installed, "bin", "tunnelc.cjs"), ...args]);

// The packaging scripts of docs/api.md (an ES module, a CommonJS script) and its bad spec and
// the envelope it says compile gives for it, each block as written there (`api-test file=NAME`).
const DOC_FILES = Object.fromEntries(
  [
    ...readFileSync(join(ROOT, "docs", "api.md"), "utf8").matchAll(
      /^```\w+ api-test file=(\S+)\n([\s\S]*?)^```$/gm,
    ),
  ].map((m) => [m[1]!, m[2]!]),
);

// compile's result as it is, for a path or (with --text) the file's text under its name.
const RESULT = `import { compile } from "tunnelc";
import { readFileSync } from "node:fs";
const args = process.argv.slice(2);
const specs = args[0] === "--text"
  ? args.slice(1).map((file) => ({ file, text: readFileSync(file, "utf8") }))
  : args;
process.stdout.write(JSON.stringify(compile(specs)));
`;

// The other functions, by CommonJS: each result printed as one JSON object.
const ENDS = `const tunnelc = require("tunnelc");
const specs = process.argv.slice(2);
process.stdout.write(JSON.stringify({
  validate: tunnelc.validate(specs),
  relay: tunnelc.relay(specs),
  sshdConfig: tunnelc.relay(specs, { sshdConfig: true }),
  sshConfig: tunnelc.sshConfig(specs, { relayUser: "me" }),
  version: tunnelc.version,
  schema: tunnelc.schema,
  schemaFile: require("tunnelc/schema.json"),
}));
`;

// A consumer in TypeScript, checked by the repository's tsc against the shipped declarations
// (nodenext: the "import" condition's .d.mts for .mts, the "require" condition's .d.cts for .cts).
// Each @ts-expect-error fails the check if the types it guards were any.
const TYPED = `import { compile, validate, relay, sshConfig, codes, schema, version } from "tunnelc";
import type { Code, CompileResult, Diagnostic, Spec, Unit } from "tunnelc";

const specs: Spec[] = ["tunnels.json", { file: "inline.json", text: "{}" }];
const result: CompileResult = compile(specs, { only: "office-reverse" });
const units: Unit[] = result.units;
const first: string | undefined = units[0]?.text;
const scope: "system" | "user" | undefined = units[0]?.scope;
const problem: Diagnostic | undefined = result.diagnostics[0];
const code: Code | undefined = problem?.code;
const fix: string | undefined = code === undefined ? undefined : codes[code].fix;
const line: number | null | undefined = problem?.line;
const names: string[] | undefined = validate("tunnels.json").specs[0]?.tunnels;
const keys: string | undefined = relay(specs, { sshdLimits: true, openssh: "9.8" }).sshdLimits;
const hosts: string | undefined = sshConfig(specs, { relayUser: "me" }).sshConfig;
const v: string = version;
const s: Readonly<Record<string, unknown>> = schema;
// @ts-expect-error: an option the function does not have
compile(specs, { onyl: "x" });
// @ts-expect-error: a code the registry does not have
const wrong: Code = "no/such-code";
// @ts-expect-error: a unit's text is a string
const n: number = units[0]!.text;
export { first, scope, fix, line, names, keys, hosts, v, s, wrong, n };
`;
const TYPED_CJS = `import tunnelc = require("tunnelc");
const result: tunnelc.CompileResult = tunnelc.compile("tunnels.json");
// @ts-expect-error: ok is a boolean
const ok: string = result.ok;
export = { result, ok };
`;

before(() => {
  mkdirSync(project, { recursive: true });
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "packaging", version: "1.0.0", private: true }),
  );
  const tarball = packedTarball(work);
  assert.ok(existsSync(tarball), `no tarball at ${tarball}`);
  const inst = run("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball]);
  assert.equal(inst.status, 0, inst.stderr);
  assert.deepEqual(Object.keys(DOC_FILES).sort(), [
    "bad.envelope.json",
    "bad.json",
    "package.cjs",
    "package.mjs",
  ]);
  const files: Record<string, string> = {
    ...DOC_FILES,
    "result.mjs": RESULT,
    "ends.cjs": ENDS,
    "consumer.mts": TYPED,
    "consumer.cts": TYPED_CJS,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(project, name), text);
});

/** Every file of a directory, by name. */
function filesOf(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), "utf8")]),
  );
}

test("an ES module and a CommonJS script write the units tunnelc compile writes, byte for byte", () => {
  const cli = tunnelc(["compile", ...SPECS, "-o", "cli"]);
  assert.equal(cli.status, 0, cli.stderr);
  const expected = filesOf(join(project, "cli"));
  assert.ok(Object.keys(expected).length >= 5, Object.keys(expected).join(" "));
  for (const [script, out] of [
    ["package.mjs", "esm"],
    ["package.cjs", "cjs"],
  ] as const) {
    const r = node([script, out, ...SPECS]);
    assert.deepEqual([r.status, r.stderr, r.stdout], [0, "", ""], script);
    assert.deepEqual(filesOf(join(project, out)), expected, script);
  }
});

test("a bad spec: the envelope compile --json prints, and docs/api.md shows; exit 1 from the scripts", () => {
  const cli = tunnelc(["compile", "--json", "bad.json"]);
  assert.equal(cli.status, 1, cli.stderr);
  const envelope = JSON.parse(cli.stdout) as {
    ok: boolean;
    diagnostics: {
      code: string;
      file: string;
      line: number;
      column: number;
      pointer: string;
      message: string;
    }[];
  };
  assert.deepEqual(envelope, JSON.parse(DOC_FILES["bad.envelope.json"]!));
  // Located: the misspelt key and the port out of range, where they are.
  assert.deepEqual(
    envelope.diagnostics.map((d) => [d.code, d.line, d.column, d.pointer]),
    [
      ["schema/unknown-field", 3, 44, "/server/prot"],
      ["schema/maximum", 4, 28, "/forwards/0/remote"],
    ],
  );
  for (const args of [["bad.json"], ["--text", "bad.json"]]) {
    const r = node(["result.mjs", ...args]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), envelope, args.join(" "));
  }
  const lines = envelope.diagnostics.map(
    (d) => `${d.file}:${d.line}:${d.column}: ${d.pointer}: ${d.message} [${d.code}]\n`,
  );
  for (const script of ["package.mjs", "package.cjs"]) {
    const r = node([script, "never-written", "bad.json"]);
    assert.deepEqual([r.status, r.stdout, r.stderr], [1, "", lines.join("")], script);
    assert.ok(!existsSync(join(project, "never-written")));
  }
});

test("a spec that cannot be read is a diagnostic, as --json reports it, not an exception", () => {
  const cli = tunnelc(["compile", "--json", "missing.json"]);
  assert.equal(cli.status, 3);
  const r = node(["result.mjs", "missing.json"]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { ...JSON.parse(cli.stdout), units: [] });
});

test("validate, relay and sshConfig return what their --json prints; version and the schema too", () => {
  const fleet = join(EXAMPLES, "fleet.json");
  const r = node(["ends.cjs", fleet]);
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout) as Record<string, unknown>;
  const json = (args: string[]) => {
    const c = tunnelc([...args, "--json"]);
    assert.equal(c.status, 0, c.stderr);
    return JSON.parse(c.stdout) as unknown;
  };
  assert.deepEqual(got.validate, json(["validate", fleet]));
  assert.deepEqual(got.relay, json(["relay", fleet]));
  assert.deepEqual(got.sshdConfig, json(["relay", fleet, "--sshd-config"]));
  assert.deepEqual(got.sshConfig, json(["ssh-config", fleet, "--relay-user", "me"]));
  assert.equal(got.version, tunnelc(["--version"]).stdout.trim());
  const schema = JSON.parse(tunnelc(["schema"]).stdout) as unknown;
  assert.deepEqual(got.schema, schema);
  assert.deepEqual(got.schemaFile, schema, "tunnelc/schema.json");
});

test("a TypeScript consumer type-checks against the shipped declarations (ESM and CommonJS)", () => {
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        module: "nodenext",
        moduleResolution: "nodenext",
        target: "es2022",
        strict: true,
        noEmit: true,
        types: [],
      },
      files: ["consumer.mts", "consumer.cts"],
    }),
  );
  const tsc = node([
    join(ROOT, "node_modules", "typescript", "bin", "tsc"),
    "-p",
    project,
    "--listFiles",
  ]);
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  // The check read the package's declarations, and nothing of this repository's but tsc's lib.
  const read = tsc.stdout.split("\n").filter((f) => f !== "");
  const lib = join(ROOT, "node_modules", "typescript", "lib");
  assert.deepEqual(
    read.filter((f) => f.startsWith(ROOT) && !f.startsWith(lib)),
    [],
    "the check read files of this repository",
  );
  const ours = read.filter((f) => f.startsWith(installed));
  assert.deepEqual(ours.map((f) => f.slice(installed.length)).sort(), [
    "/dist/api.d.cts",
    "/dist/api.d.mts",
  ]);
});

test("a wrong argument is a TypeError, thrown; a bad spec text is returned", () => {
  const code = `const { compile } = require("tunnelc");
const calls = [
  () => compile([]),
  () => compile(3),
  () => compile("a.json", { onyl: "x" }),
  () => compile("a.json", { only: 1 }),
  () => compile("-"),
  () => compile([{ file: "a.json", text: "{}" }, "a.json"]),
  () => compile({ file: "empty.json", text: "{}" }),
];
const said = [];
for (const call of calls)
  try {
    said.push(call().ok);
  } catch (e) {
    said.push(e.constructor.name);
  }
process.stdout.write(JSON.stringify(said));
`;
  writeFileSync(join(project, "types.cjs"), code);
  const r = node(["types.cjs"]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [...Array(6).fill("TypeError"), false]);
});
