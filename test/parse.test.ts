// The parser's fast path (native JSON.parse for plain JSON) against the streaming parse that
// locates problems: the same value, or the same problems, for every spec file in the repository
// and for texts made to sit on the edges (duplicates, strings that look like field names, depth).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { MAX_DEPTH, parseLocated, parseSpec } from "../src/specfile/parse.ts";
import { ROOT } from "./helpers/paths.ts";

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? jsonFiles(join(dir, e.name))
      : e.name.endsWith(".json")
        ? [join(dir, e.name)]
        : [],
  );
}

const nested = (n: number) => "[".repeat(n) + "]".repeat(n);

const EDGES: [string, string, boolean][] = [
  // [what, text, parses]
  ["plain", '{ "name": "a", "forwards": [{ "remote": 1 }] }', true],
  ["a string value that looks like a field", '{ "a": "\\"b\\": 1", "c": "d:" }', true],
  ["escaped backslash before a quote", '{ "a\\\\": "x\\\\", "b": ":" }', true],
  ["space before the colon", '{ "a"   :\n 1, "b"\t: 2 }', true],
  ["__proto__ is an ordinary field", '{ "__proto__": { "x": 1 }, "constructor": 2 }', true],
  ["duplicate at the top", '{ "a": 1, "a": 2 }', false],
  ["duplicate nested in an array", '{ "t": [{ "a": 1 }, { "b": 1, "b": 2 }] }', false],
  ["duplicate __proto__", '{ "__proto__": 1, "__proto__": 2 }', false],
  ["a comment", '{ "a": 1 // why\n }', true],
  ["a trailing comma", '{ "a": 1, }', false],
  ["empty", "  ", false],
  ["a scalar", "42", true],
  ["null", "null", true],
  [`${MAX_DEPTH} deep`, nested(MAX_DEPTH), true],
  [`${MAX_DEPTH + 1} deep`, nested(MAX_DEPTH + 1), false],
  ["deep objects", '{"a":'.repeat(MAX_DEPTH + 1) + "1" + "}".repeat(MAX_DEPTH + 1), false],
  ["a raw control character", '{ "a": "x\u0001" }', false],
];

test("parseSpec gives what the streaming parse gives, on the edges", () => {
  for (const [what, text, parses] of EDGES) {
    const source = { file: "edge.json", text };
    const fast = parseSpec(source);
    assert.deepStrictEqual(fast, parseLocated(source), what);
    assert.equal(fast.ok, parses, what);
  }
});

test("parseSpec gives what the streaming parse gives, for every spec file in the repository", () => {
  const files = [...jsonFiles(join(ROOT, "test")), ...jsonFiles(join(ROOT, "docs"))];
  assert.ok(files.length > 50);
  for (const file of files) {
    const source = { file, text: readFileSync(file, "utf8") };
    assert.deepStrictEqual(parseSpec(source), parseLocated(source), file);
  }
});

test("values have no prototype, as the streaming parse makes them", () => {
  const r = parseSpec({ file: "p.json", text: '{ "a": [{ "b": {} }] }' });
  assert.ok(r.ok);
  const v = r.value as { a: { b: object }[] };
  assert.equal(Object.getPrototypeOf(v), null);
  assert.equal(Object.getPrototypeOf(v.a[0]!), null);
  assert.equal(Object.getPrototypeOf(v.a[0]!.b), null);
});
