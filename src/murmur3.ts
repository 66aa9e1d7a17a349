// MurmurHash3_x86_128 (Austin Appleby's public-domain MurmurHash3.cpp, as SMHasher checks it),
// over a stream of texts' UTF-8 bytes, as 32 lowercase hex digits (the four 32-bit words in the
// order the reference writes them to memory, little-endian). A check, not a digest: it tells a
// changed input, not one forged to collide. The generator's memo keys its inputs with it
// (src/generator/memo.ts): a boot that replays the memo hashes every spec, and SHA-256 either
// runs in cold JavaScript, about ten times the work a byte, or needs node:crypto, whose loading
// alone cost such a boot more than all the hashing (docs/performance.md).
// test/murmur3.test.ts holds it to SMHasher's verification value.

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Texts become bytes here, a piece at a time: a memo's key is thousands of short lines. */
const encoder = new TextEncoder();
const SCRATCH = new Uint8Array(16 * 1024);

export class Murmur3 {
  private h1: number;
  private h2: number;
  private h3: number;
  private h4: number;
  /** The bytes of a block not yet whole. */
  private readonly tail = new Uint8Array(16);
  private tailLength = 0;
  private length = 0;

  constructor(seed = 0) {
    this.h1 = this.h2 = this.h3 = this.h4 = seed | 0;
  }

  update(bytes: Uint8Array): this {
    let i = 0;
    const n = bytes.length;
    this.length += n;
    if (this.tailLength > 0) {
      while (this.tailLength < 16 && i < n) this.tail[this.tailLength++] = bytes[i++]!;
      if (this.tailLength < 16) return this;
      this.blocks(this.tail, 0, 16);
      this.tailLength = 0;
    }
    const whole = i + ((n - i) & ~15);
    this.blocks(bytes, i, whole);
    for (i = whole; i < n; i++) this.tail[this.tailLength++] = bytes[i]!;
    return this;
  }

  /** A text's UTF-8 bytes. */
  updateText(text: string): this {
    // encodeInto writes at most three bytes per UTF-16 unit.
    if (text.length * 3 > SCRATCH.length) return this.update(encoder.encode(text));
    const { written } = encoder.encodeInto(text, SCRATCH);
    return this.update(SCRATCH.subarray(0, written));
  }

  digest(): string {
    let [h1, h2, h3, h4] = [this.h1, this.h2, this.h3, this.h4];
    const t = this.tail;
    const n = this.tailLength;
    // The tail's words, each read whatever the tail's length (zeros past it), so that the code
    // a run compiles does not depend on its data: the build's code cache is the same bytes for
    // every build (test/reproducible.test.ts).
    const k = [0, 4, 8, 12].map((at) => {
      let w = 0;
      for (let j = Math.min(n, at + 4) - 1; j >= at; j--) w = (w << 8) | t[j]!;
      return w;
    });
    if (n > 12) h4 ^= Math.imul(rotl(Math.imul(k[3]!, C4), 18), C1);
    if (n > 8) h3 ^= Math.imul(rotl(Math.imul(k[2]!, C3), 17), C4);
    if (n > 4) h2 ^= Math.imul(rotl(Math.imul(k[1]!, C2), 16), C3);
    if (n > 0) h1 ^= Math.imul(rotl(Math.imul(k[0]!, C1), 15), C2);
    // The reference takes the length as a 32-bit int.
    const len = this.length | 0;
    h1 ^= len;
    h2 ^= len;
    h3 ^= len;
    h4 ^= len;
    h1 = (h1 + h2 + h3 + h4) | 0;
    h2 = (h2 + h1) | 0;
    h3 = (h3 + h1) | 0;
    h4 = (h4 + h1) | 0;
    h1 = fmix(h1);
    h2 = fmix(h2);
    h3 = fmix(h3);
    h4 = fmix(h4);
    h1 = (h1 + h2 + h3 + h4) | 0;
    h2 = (h2 + h1) | 0;
    h3 = (h3 + h1) | 0;
    h4 = (h4 + h1) | 0;
    return [h1, h2, h3, h4].map(le).join("");
  }

  /** Whole 16-byte blocks of bytes[from, to). */
  private blocks(b: Uint8Array, from: number, to: number): void {
    let { h1, h2, h3, h4 } = this;
    for (let i = from; i < to; i += 16) {
      let k1 = b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
      let k2 = b[i + 4]! | (b[i + 5]! << 8) | (b[i + 6]! << 16) | (b[i + 7]! << 24);
      let k3 = b[i + 8]! | (b[i + 9]! << 8) | (b[i + 10]! << 16) | (b[i + 11]! << 24);
      let k4 = b[i + 12]! | (b[i + 13]! << 8) | (b[i + 14]! << 16) | (b[i + 15]! << 24);
      k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2);
      h1 ^= k1;
      h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
      k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3);
      h2 ^= k2;
      h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
      k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4);
      h3 ^= k3;
      h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
      k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1);
      h4 ^= k4;
      h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
    }
    this.h1 = h1;
    this.h2 = h2;
    this.h3 = h3;
    this.h4 = h4;
  }
}

/** A 32-bit word as the hex of its little-endian bytes. */
function le(h: number): string {
  let s = "";
  for (let i = 0; i < 4; i++) s += ((h >>> (8 * i)) & 0xff).toString(16).padStart(2, "0");
  return s;
}
