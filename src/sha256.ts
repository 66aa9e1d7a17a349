// SHA-256 (FIPS 180-4) of a string's UTF-8 bytes, as lowercase hex. In JavaScript rather than
// node:crypto because the generator hashes every unit header at every boot, and loading
// node:crypto (with the stream modules it pulls in) cost more than all its hashing: about 4 ms,
// and 10 ms or more under the generator's V8 flags, which disable Node's own code cache
// (docs/performance.md). test/hash.test.ts checks it against node:crypto.

// prettier-ignore
const K = Int32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);
// prettier-ignore
const INITIAL = Int32Array.of(
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
);
const W = new Int32Array(64);
const H = new Int32Array(8);
/**
 * The message, built in place and reused from call to call (a unit header is hashed for every
 * tunnel): begin, append its parts as text, then digest. Synchronous, so one at a time.
 */
let m = new Uint8Array(4096);
let length = 0;

export function sha256Hex(text: string): string {
  sha256Begin();
  sha256Append(text);
  return sha256Digest();
}

export function sha256Begin(): void {
  length = 0;
}

/** Appends the UTF-8 bytes of `text` (a lone surrogate as U+FFFD, as Buffer encodes it). */
export function sha256Append(text: string): void {
  // At most 3 bytes per UTF-16 unit, and room for the padding.
  if (m.length < length + text.length * 3 + 72) {
    const grown = new Uint8Array((length + text.length * 3 + 72) * 2);
    grown.set(m.subarray(0, length));
    m = grown;
  }
  let at = length;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      m[at++] = c;
      continue;
    }
    if (c < 0x800) {
      m[at++] = 0xc0 | (c >> 6);
      m[at++] = 0x80 | (c & 63);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        m[at++] = 0xf0 | (c >> 18);
        m[at++] = 0x80 | ((c >> 12) & 63);
        m[at++] = 0x80 | ((c >> 6) & 63);
        m[at++] = 0x80 | (c & 63);
        continue;
      }
      c = 0xfffd;
    }
    m[at++] = 0xe0 | (c >> 12);
    m[at++] = 0x80 | ((c >> 6) & 63);
    m[at++] = 0x80 | (c & 63);
  }
  length = at;
}

/** The digest of what was appended since sha256Begin, as lowercase hex. */
export function sha256Digest(): string {
  // The message, a 0x80 byte, zeros, and its length in bits as a 64-bit big-endian number.
  const end = Math.ceil((length + 9) / 64) * 64;
  m.fill(0, length, end);
  m[length] = 0x80;
  const high = Math.floor(length / 0x20000000);
  const low = (length * 8) >>> 0;
  for (let i = 0; i < 4; i++) {
    m[end - 8 + i] = high >>> (24 - 8 * i);
    m[end - 4 + i] = low >>> (24 - 8 * i);
  }
  H.set(INITIAL);
  for (let off = 0; off < end; off += 64) compress(off);
  let hex = "";
  for (let i = 0; i < 8; i++) hex += (H[i]! >>> 0).toString(16).padStart(8, "0");
  return hex;
}

function compress(off: number): void {
  for (let i = 0; i < 16; i++) {
    const j = off + i * 4;
    W[i] = (m[j]! << 24) | (m[j + 1]! << 16) | (m[j + 2]! << 8) | m[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15]!;
    const w2 = W[i - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = H[0]!;
  let b = H[1]!;
  let c = H[2]!;
  let d = H[3]!;
  let e = H[4]!;
  let f = H[5]!;
  let g = H[6]!;
  let h = H[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  H[0] = H[0]! + a;
  H[1] = H[1]! + b;
  H[2] = H[2]! + c;
  H[3] = H[3]! + d;
  H[4] = H[4]! + e;
  H[5] = H[5]! + f;
  H[6] = H[6]! + g;
  H[7] = H[7]! + h;
}
