// The CLI's young-generation flag and its default, in one file (bin/v8-young-generation.json):
// src/young-generation.ts sets one (for the CLI and the generator), bin/tunnelc.cjs puts the other back before it writes a code cache. If a
// Node upgrade changes V8's default, the cache would be written under a flag hash the next start
// does not have: this test says so first.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./helpers/paths.ts";

const flags = JSON.parse(readFileSync(join(ROOT, "bin", "v8-young-generation.json"), "utf8")) as {
  small: string;
  default: string;
};

test("the flag bin/tunnelc.cjs restores is V8's own default", () => {
  const options = spawnSync(process.execPath, ["--v8-options"], { encoding: "utf8" }).stdout;
  const name = flags.default.split("=")[0]!;
  const at = options.indexOf(`  ${name} `);
  assert.ok(at >= 0, `${name} is a V8 option`);
  const line = /default: (\S+)/.exec(options.slice(at))?.[1];
  assert.equal(line, flags.default);
  assert.equal(flags.small.split("=")[0], name, "both set the same flag");
});

test("both sides read the one file", () => {
  // The CLI and the generator set the small one through src/young-generation.ts.
  assert.match(
    readFileSync(join(ROOT, "src", "young-generation.ts"), "utf8"),
    /v8-young-generation\.json/,
  );
  for (const setter of [
    "cli.ts",
    "compile-main.ts",
    "generator-compile.ts",
    "edge/generator-edge.ts",
  ])
    assert.match(readFileSync(join(ROOT, "src", setter), "utf8"), /smallYoungGeneration\(\)/);
  assert.match(readFileSync(join(ROOT, "bin", "tunnelc.cjs"), "utf8"), /v8-young-generation\.json/);
});
