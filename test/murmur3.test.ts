// The memo's key hash (src/murmur3.ts): MurmurHash3_x86_128 as SMHasher verifies it (its
// VerificationTest: keys 0..255 bytes long with seeds 256-n, then the hash of those hashes), and
// the same value however a stream is cut into updates, texts as their UTF-8 bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Murmur3 } from "../src/murmur3.ts";

const bytesOf = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"));

test("SMHasher's verification value for MurmurHash3_x86_128: 0xB3ECE62A", () => {
  const key = new Uint8Array(256);
  const hashes = new Uint8Array(16 * 256);
  for (let n = 0; n < 256; n++) {
    key[n] = n;
    hashes.set(bytesOf(new Murmur3(256 - n).update(key.subarray(0, n)).digest()), n * 16);
  }
  const final = bytesOf(new Murmur3(0).update(hashes).digest());
  const verification = (final[0]! | (final[1]! << 8) | (final[2]! << 16) | (final[3]! << 24)) >>> 0;
  assert.equal(verification.toString(16), "b3ece62a");
});

test("the empty input with seed 0 is all zeros", () => {
  assert.equal(new Murmur3().digest(), "0".repeat(32));
});

test("the same digest whatever the updates' sizes, and a text as its UTF-8 bytes", () => {
  const data = Uint8Array.from({ length: 5000 }, (_, i) => (i * 131 + (i >> 3)) & 0xff);
  const whole = new Murmur3().update(data).digest();
  for (const step of [1, 3, 15, 16, 17, 100, 4999]) {
    const h = new Murmur3();
    for (let i = 0; i < data.length; i += step) h.update(data.subarray(i, i + step));
    assert.equal(h.digest(), whole, `updates of ${step} bytes`);
  }
  for (const text of ["", "a", "tunnelc ✓ 🚇 \u0000\uffff", "é".repeat(6000), "x".repeat(20_000)]) {
    const bytes = Uint8Array.from(Buffer.from(text, "utf8"));
    assert.equal(new Murmur3().updateText(text).digest(), new Murmur3().update(bytes).digest());
    const half = text.length >> 1;
    const cut = /[\ud800-\udbff]/.test(text[half - 1] ?? "") ? half + 1 : half;
    assert.equal(
      new Murmur3().updateText(text.slice(0, cut)).updateText(text.slice(cut)).digest(),
      new Murmur3().update(bytes).digest(),
    );
  }
});

test("one changed, lost or added byte changes the digest", () => {
  const data = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
  const base = new Murmur3().update(data).digest();
  const changed = data.slice();
  changed[500] = changed[500]! ^ 1;
  assert.notEqual(new Murmur3().update(changed).digest(), base);
  assert.notEqual(new Murmur3().update(data.subarray(0, 999)).digest(), base);
  assert.notEqual(new Murmur3().update(Uint8Array.of(...data, 0)).digest(), base);
});
