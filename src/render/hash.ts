// The hash in a unit's header: of the normalized tunnel, in a canonical JSON form, so that
// layout, key order and defaults spelled out or left out do not change it.
import { sha256Hex } from "./sha256.ts";
import type { Tunnel } from "../model/tunnel.ts";

export function canonicalJson(value: unknown): string {
  // Plain loops and string concatenation: this runs for every tunnel on every generator run.
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i > 0 ? "," : "") + canonicalJson(value[i]);
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  let out = "{";
  let first = true;
  for (const k of Object.keys(obj).sort()) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (first ? "" : ",") + quotedKey(k) + ":" + canonicalJson(v);
    first = false;
  }
  return `${out}}`;
}

/** The tunnel's field names, each quoted once per run rather than once per tunnel. */
const quotedKeys = new Map<string, string>();

function quotedKey(k: string): string {
  let q = quotedKeys.get(k);
  if (q === undefined) {
    q = JSON.stringify(k);
    // Only names from the model's fixed set stay; ssh option names are few too, but bounded here.
    if (quotedKeys.size < 256) quotedKeys.set(k, q);
  }
  return q;
}

/** publicKey is for the relay's authorized_keys, not the unit: changing it must not touch the unit. */
export function tunnelHash(t: Tunnel): string {
  const { publicKey: _relayOnly, ...unitFields } = t;
  return `sha256:${sha256Hex(canonicalJson(unitFields)).slice(0, 32)}`;
}
