// units/ holds the compiled units of docs/examples/: this fails when they are stale
// (npm run examples regenerates them).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { compileSpecs } from "../src/render/units.ts";
import { ROOT } from "./helpers/paths.ts";

const EXAMPLES = join(ROOT, "docs", "examples");

test("units/ matches a fresh compile of docs/examples/", () => {
  const specs = readdirSync(EXAMPLES)
    .filter((f) => f.endsWith(".json"))
    .sort();
  assert.ok(specs.length >= 2);
  const result = compileSpecs(
    specs.map((f) => ({
      file: join("docs/examples", f),
      text: readFileSync(join(EXAMPLES, f), "utf8"),
    })),
  );
  assert.equal(result.ok, true);
  assert.deepEqual(result.diagnostics, [], "examples compile without warnings");
  const fresh = Object.fromEntries(result.units.map((u) => [u.fileName, u.text]));
  const committed = readdirSync(join(ROOT, "units"))
    .filter((f) => f.endsWith(".service"))
    .sort();
  assert.deepEqual(
    Object.keys(fresh).sort(),
    committed,
    "units/ has exactly the examples' units (npm run examples)",
  );
  for (const f of committed) {
    assert.equal(
      readFileSync(join(ROOT, "units", f), "utf8"),
      fresh[f],
      `units/${f} is stale: npm run examples`,
    );
  }
});

test("docs/examples has a seed-form spec and a v1 spec with several tunnels", () => {
  const seed = JSON.parse(readFileSync(join(EXAMPLES, "phone-home.json"), "utf8")) as Record<
    string,
    unknown
  >;
  assert.ok("remoteHostname" in seed && "bindPort" in seed);
  const office = compileSpecs([
    { file: "office.json", text: readFileSync(join(EXAMPLES, "office.json"), "utf8") },
  ]);
  assert.ok(office.units.length >= 3);
});
