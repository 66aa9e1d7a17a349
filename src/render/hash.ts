// The hash in a unit's header: of the normalized tunnel, in a canonical JSON form, so that
// layout, key order and defaults spelled out or left out do not change it.
import { createHash } from "node:crypto";
import type { Tunnel } from "../model/tunnel.ts";

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    const obj = value as Record<string, unknown>;
    return `{${keys
      .filter((k) => obj[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** publicKey is for the relay's authorized_keys, not the unit: changing it must not touch the unit. */
export function tunnelHash(t: Tunnel): string {
  const { publicKey: _relayOnly, ...unitFields } = t;
  return `sha256:${createHash("sha256").update(canonicalJson(unitFields)).digest("hex").slice(0, 32)}`;
}
