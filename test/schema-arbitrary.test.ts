// The schema-driven generator of test/fuzz-schema.test.ts: what it makes passes the schema it
// was made from, and a keyword it cannot generate from fails it loudly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { arbitraryFromSchema, withoutLookarounds } from "./helpers/schema-arbitrary.ts";
import { validateDocument } from "../src/specfile/validate.ts";
import { ROOT } from "./helpers/paths.ts";

const schema = JSON.parse(readFileSync(join(ROOT, "schemas", "tunnel.schema.json"), "utf8"));

test("values generated from the tunnel schema pass it", () => {
  const values = fc.sample(arbitraryFromSchema(schema, { maxObjects: 4 }), {
    numRuns: 400,
    seed: 7,
  });
  const failing = values.filter((v) => validateDocument(v, "x.json").length > 0);
  // Fleet defaults are "any object" in the schema and checked after the merge: those may fail.
  const plain = failing.filter((v) => !(typeof v === "object" && v !== null && "defaults" in v));
  assert.deepEqual(plain.slice(0, 3), []);
});

test("a schema keyword the generator does not know is an error, not a silent gap", () => {
  assert.throws(
    () => arbitraryFromSchema({ type: "string", format: "hostname" }),
    /keyword "format" is not fuzzed yet/,
  );
  assert.throws(() => arbitraryFromSchema({ if: { minimum: 3 }, then: {} }), /cannot negate/);
});

test("lookarounds are dropped for generation, classes and escapes kept", () => {
  assert.equal(withoutLookarounds("^(?!.*//)(?!.*/\\.(?:/|$))/[a-z]+$"), "^/[a-z]+$");
  assert.equal(withoutLookarounds("^a[(?!]b(?=c(d))e\\(?!x$"), "^a[(?!]be\\(?!x$");
});
