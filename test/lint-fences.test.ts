// The lint fences of eslint.config.js, each tried with a planted file: a pure stage that prints,
// exits or reaches the system in any way (an import, lazyBuiltin, import(), require,
// createRequire) is reported; the edge module allowed to do it is not.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ESLint } from "eslint";
import { ROOT } from "./helpers/paths.ts";

const eslint = new ESLint({ cwd: ROOT });

async function complaints(code: string, file: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (r?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

// [what is planted, its code, the rule that must report it]
const PLANTED: [string, string, string][] = [
  ["writes to stdout", 'process.stdout.write("x");\n', "no-restricted-properties"],
  ["writes to stderr", 'process.stderr.write("x");\n', "no-restricted-properties"],
  ["logs", 'console.log("x");\n', "no-console"],
  ["exits", "process.exit(1);\n", "no-restricted-properties"],
  ["sets the exit code", "process.exitCode = 1;\n", "no-restricted-properties"],
  [
    "imports child_process",
    'import { spawnSync } from "node:child_process";\nspawnSync("x");\n',
    "@typescript-eslint/no-restricted-imports",
  ],
  [
    "imports fs",
    'import { writeFileSync } from "fs";\nwriteFileSync("x", "");\n',
    "@typescript-eslint/no-restricted-imports",
  ],
  [
    "imports fs/promises",
    'import { rm } from "node:fs/promises";\nvoid rm("x");\n',
    "@typescript-eslint/no-restricted-imports",
  ],
  [
    "imports http",
    'import { get } from "node:http";\nget("http://192.0.2.1/");\n',
    "@typescript-eslint/no-restricted-imports",
  ],
  [
    "loads child_process through lazyBuiltin",
    'import { lazyBuiltin } from "../builtin.ts";\nexport const cp = lazyBuiltin("node:child_process");\n',
    "no-restricted-syntax",
  ],
  [
    "loads fs/promises through lazyBuiltin",
    'import { lazyBuiltin } from "../builtin.ts";\nexport const fsp = lazyBuiltin("node:fs/promises");\n',
    "no-restricted-syntax",
  ],
  [
    "loads a module with import()",
    'export const m = import("node:net");\n',
    "no-restricted-syntax",
  ],
  [
    "loads a module with require",
    'declare const require: (id: string) => unknown;\nexport const m = require("node:net");\n',
    "no-restricted-syntax",
  ],
  [
    "makes its own require",
    'import { createRequire } from "node:module";\nexport const r = createRequire("/")("node:fs");\n',
    "@typescript-eslint/no-restricted-imports",
  ],
];

for (const [what, code, rule] of PLANTED) {
  test(`a model file that ${what} is reported (${rule})`, async () => {
    const said = await complaints(code, "src/model/planted.ts");
    assert.ok(
      said.some((c) => c.startsWith(`${rule}:`)),
      `expected ${rule}, got: ${said.join("; ") || "nothing"}`,
    );
  });
}

test("a pure built-in through lazyBuiltin (crypto) is allowed", async () => {
  const code =
    'import { lazyBuiltin } from "../builtin.ts";\nexport const c = lazyBuiltin("node:crypto");\n';
  assert.deepEqual(await complaints(code, "src/model/planted.ts"), []);
});

// The API (src/api.ts) is an entry like the CLI, but a library: whatever calls it owns stdout,
// stderr and the exit status, so it may not print, exit or reach the system itself.
for (const [what, code, rule] of PLANTED.filter(([w]) =>
  ["writes to stdout", "logs", "exits", "imports fs", "makes its own require"].includes(w),
)) {
  test(`the API entry that ${what} is reported (${rule})`, async () => {
    const said = await complaints(code.replaceAll("../builtin.ts", "./builtin.ts"), "src/api.ts");
    assert.ok(
      said.some((c) => c.startsWith(`${rule}:`)),
      `expected ${rule}, got: ${said.join("; ") || "nothing"}`,
    );
  });
}

test("the edge may do what the stages may not: the gatherer loads net, src/print.ts prints", async () => {
  const net =
    'import { lazyBuiltin } from "../builtin.ts";\nexport const n = lazyBuiltin("node:net");\n';
  assert.deepEqual(await complaints(net, "src/edge/read.ts"), []);
  assert.deepEqual(await complaints('process.stdout.write("x");\n', "src/print.ts"), []);
  // The entries print through it: one place prints, whichever entry ran the command.
  for (const entry of ["src/cli.ts", "src/compile-main.ts"])
    assert.deepEqual(await complaints('process.stdout.write("x");\n', entry), [
      "no-restricted-properties: 'process.stdout' is restricted from being used. Only src/print.ts prints: return an Outcome.",
    ]);
});

// The flow: each folder imports only its own or earlier stages (docs/architecture.md).
const AGAINST_THE_FLOW: [string, string][] = [
  [
    "src/specfile/planted.ts",
    'import { normalize } from "../model/normalize.ts";\nvoid normalize;\n',
  ],
  [
    "src/model/planted.ts",
    'import { renderUnits } from "../render/units.ts";\nvoid renderUnits;\n',
  ],
  [
    "src/render/planted.ts",
    'import { planInstall } from "../install/plan.ts";\nvoid planInstall;\n',
  ],
  [
    "src/edge/planted.ts",
    'import { planGeneration } from "../generator/plan.ts";\nvoid planGeneration;\n',
  ],
  [
    "src/generator/planted.ts",
    'import { runGenerate } from "../commands/generate.ts";\nvoid runGenerate;\n',
  ],
  ["src/commands/planted.ts", 'import { stdinArgs } from "../cli.ts";\nvoid stdinArgs;\n'],
  ["src/commands/planted.ts", 'import { compile } from "../api.ts";\nvoid compile;\n'],
];
for (const [file, code] of AGAINST_THE_FLOW) {
  test(`an import against the flow is reported: ${file}`, async () => {
    const said = await complaints(code, file);
    assert.ok(
      said.some((c) => c.startsWith("no-restricted-imports:")),
      `got: ${said.join("; ") || "nothing"}`,
    );
  });
}

test("an import along the flow is not: model from specfile, install from plan", async () => {
  assert.deepEqual(
    await complaints(
      'import { parseHop } from "../specfile/endpoint.ts";\nvoid parseHop;\n',
      "src/model/planted.ts",
    ),
    [],
  );
  assert.deepEqual(
    await complaints(
      'import { execute } from "../edge/execute.ts";\nvoid execute;\n',
      "src/install/planted.ts",
    ),
    [],
  );
});
