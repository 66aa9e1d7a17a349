// The generator's memo's checksum (src/generator/memo.ts), in one place for the two that compute
// it: the run that writes a memo, over its parts, and the gatherer that reads one, over the
// chunks it reads (src/edge/read.ts). A check against what the disk may lose, not against anyone:
// only root can write a memo that is used. SHA-256 by node:crypto for a large memo; for a small
// one a Fletcher sum over 32-bit words (two 32-bit running sums of the bytes read as
// little-endian words, the last one padded with zeros), since loading node:crypto or running a
// hash in cold JavaScript costs a small boot more than all else, and a sum of words a quarter of
// one of bytes (docs/performance.md). Which one follows from the size alone, so a reader
// recomputes exactly what the writer wrote.
import type * as Crypto from "node:crypto";
import { lazyBuiltin } from "./builtin.ts";

/** Where node:crypto becomes the faster way to hash (measured: docs/performance.md). */
export const LARGE = 256 * 1024;

export interface Checksum {
  update(part: string | Uint8Array): void;
  digest(): string;
}

/** A checksum of `bytes` bytes, given in parts of any size. */
export function checksumOf(bytes: number, large = LARGE): Checksum {
  if (bytes > large) {
    const hash = crypto().createHash("sha256");
    return {
      update: (part) => void hash.update(part),
      digest: () => `sha256:${hash.digest("hex")}`,
    };
  }
  return new WordSum();
}

/** Whether this machine's Int32Array reads words little-endian, as the sum is defined. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * The Fletcher sum of words, fed in parts of any size: bytes that do not make a whole word wait
 * for the next part. Whole words at an aligned offset are read through an Int32Array, the rest
 * byte by byte; the memo's header is padded so that what follows it starts on a word.
 */
class WordSum implements Checksum {
  private a = 1;
  private b = 0;
  /** A word begun in an earlier part, and how many of its bytes are in. */
  private word = 0;
  private have = 0;

  // No helper is called only for some data: the code a run compiles must not depend on it, so
  // that the build's code cache is the same bytes for every build (test/reproducible.test.ts).
  update(part: string | Uint8Array): void {
    const d = typeof part === "string" ? Buffer.from(part) : part;
    let { a, b, word, have } = this;
    let i = 0;
    for (; have > 0 && have < 4 && i < d.length; i++) word |= d[i]! << (8 * have++);
    if (have === 4) {
      a = (a + word) | 0;
      b = (b + a) | 0;
      word = 0;
      have = 0;
    }
    const words = have === 0 ? (d.length - i) >>> 2 : 0;
    // Two loops, the common one as small as it can be: a boot runs it cold, in V8's interpreter,
    // where each operation of it costs (a third less than one loop choosing per word, measured).
    if (LITTLE_ENDIAN && (d.byteOffset + i) % 4 === 0) {
      const w = new Int32Array(d.buffer, d.byteOffset + i, words);
      for (let k = 0; k < words; k++) {
        a = (a + w[k]!) | 0;
        b = (b + a) | 0;
      }
    } else {
      for (let k = 0, j = i; k < words; k++, j += 4) {
        a = (a + (d[j]! | (d[j + 1]! << 8) | (d[j + 2]! << 16) | (d[j + 3]! << 24))) | 0;
        b = (b + a) | 0;
      }
    }
    for (i += words * 4; i < d.length; i++) word |= d[i]! << (8 * have++);
    Object.assign(this, { a, b, word, have });
  }

  digest(): string {
    // The last word, padded with zeros, if any of it came.
    const a = this.have > 0 ? (this.a + this.word) | 0 : this.a;
    const b = this.have > 0 ? (this.b + a) | 0 : this.b;
    const hex = (n: number) => (n >>> 0).toString(16).padStart(8, "0");
    return `fletcher32:${hex(a)}${hex(b)}`;
  }
}

/** The checksum of the parts, `bytes` bytes in all. */
export function checksum(
  parts: readonly (string | Uint8Array)[],
  bytes: number,
  large = LARGE,
): string {
  const sum = checksumOf(bytes, large);
  for (const part of parts) sum.update(part);
  return sum.digest();
}

/** node:crypto, loaded only for a large memo. */
const crypto = lazyBuiltin<typeof Crypto>("node:crypto");
