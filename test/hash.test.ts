// The unit header's hash: SHA-256 in JavaScript (src/sha256.ts) against FIPS 180-4's
// examples and against node:crypto at every length around the 64-byte block edges; the hash
// written straight from the value (canonicalHash) against the hash of its canonical text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { sha256Hex } from "../src/sha256.ts";
import { canonicalHash, canonicalJson } from "../src/render/hash.ts";
import { buildModel } from "../src/model/build-model.ts";
import { ROOT } from "./helpers/paths.ts";

const KNOWN: [string, string][] = [
  ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
  [
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  ],
];

test("sha256Hex: the FIPS 180-4 examples", () => {
  for (const [text, hex] of KNOWN) assert.equal(sha256Hex(text), hex, JSON.stringify(text));
});

test("sha256Hex: node:crypto's digest at every length to 300 bytes, and UTF-8 text", () => {
  const texts: string[] = [];
  for (let n = 0; n <= 300; n++) texts.push("x".repeat(n), "é".repeat(n));
  texts.push("tunnelc ✓ 🚇 \u0000\uffff", "a".repeat(100_000));
  for (const t of texts)
    assert.equal(
      sha256Hex(t),
      createHash("sha256").update(t, "utf8").digest("hex"),
      t.slice(0, 20),
    );
});

test("canonicalHash is the hash of canonicalJson's text, for odd values and every example tunnel", () => {
  const values: unknown[] = [
    null,
    0,
    -1.5e300,
    true,
    "",
    'quote " backslash \\ tab \t nul \u0000 é 🚇 lone \ud800',
    [],
    [1, [2, [3]], undefined, "x"],
    { b: 1, a: { d: undefined, c: [{}] }, 'k"ey': "v", é: "ü" },
  ];
  for (const file of readdirSync(join(ROOT, "docs/examples")).filter((f) => f.endsWith(".json"))) {
    const text = readFileSync(join(ROOT, "docs/examples", file), "utf8");
    values.push(...buildModel([{ file, text }]).tunnels.map((t) => t.tunnel));
  }
  assert.ok(values.length > 12);
  for (const v of values)
    assert.equal(canonicalHash(v), sha256Hex(canonicalJson(v)), canonicalJson(v).slice(0, 60));
});
