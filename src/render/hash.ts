// The hash in a unit's header: of the normalized tunnel, in a canonical JSON form, so that
// layout, key order and defaults spelled out or left out do not change it.
import { sha256Append, sha256Begin, sha256Digest } from "../sha256.ts";
import type { Tunnel } from "../model/tunnel.ts";

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const fields = Object.keys(obj)
    .sort()
    .filter((k) => obj[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`);
  return `{${fields.join(",")}}`;
}

/** publicKey is for the relay's authorized_keys, not the unit: changing it must not touch the unit. */
export function tunnelHash(t: Tunnel): string {
  const { publicKey: _relayOnly, ...unitFields } = t;
  return `sha256:${canonicalHash(unitFields).slice(0, 32)}`;
}

/**
 * sha256Hex(canonicalJson(value)), without building the text: each part goes straight into the
 * hash's buffer. This runs for every tunnel on every generator run, and the text was a dozen
 * kilobytes of short-lived strings per tunnel. test/hash.test.ts holds the two to each other.
 */
export function canonicalHash(value: unknown): string {
  sha256Begin();
  appendCanonical(value);
  return sha256Digest();
}

/** What JSON.stringify would escape: a string without any stands between quotes as it is. */
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

function appendString(s: string): void {
  if (ESCAPED.test(s)) sha256Append(JSON.stringify(s));
  else {
    sha256Append('"');
    sha256Append(s);
    sha256Append('"');
  }
}

function appendCanonical(value: unknown): void {
  if (typeof value === "string") return appendString(value);
  if (value === null || typeof value !== "object") return sha256Append(JSON.stringify(value) ?? "");
  if (Array.isArray(value)) {
    sha256Append("[");
    for (let i = 0; i < value.length; i++) {
      if (i > 0) sha256Append(",");
      appendCanonical(value[i]);
    }
    return sha256Append("]");
  }
  const obj = value as Record<string, unknown>;
  sha256Append("{");
  let first = true;
  const keys = Object.keys(obj);
  sortInPlace(keys);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = obj[k];
    if (v === undefined) continue;
    if (!first) sha256Append(",");
    first = false;
    appendString(k);
    sha256Append(":");
    appendCanonical(v);
  }
  sha256Append("}");
}

/**
 * Array.prototype.sort's order for strings (by UTF-16 code units), by insertion: a tunnel's
 * objects have a few fields each, and the built-in sort allocates a work array per call.
 */
function sortInPlace(keys: string[]): void {
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > k; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = k;
  }
}
