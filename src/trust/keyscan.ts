// Host keys as ssh-keyscan(1) prints them, and their SHA256 fingerprints as ssh-keygen -l shows
// them (base64 of the SHA-256 of the key blob, without padding).
import type * as Crypto from "node:crypto";
import { lazyBuiltin } from "../builtin.ts";

// Loaded when a key is fingerprinted, not at every start (src/builtin.ts).
const crypto = lazyBuiltin<typeof Crypto>("node:crypto");

export interface ScannedKey {
  /** "ssh-ed25519 AAAA…", as server.hostKeys takes it. */
  key: string;
  type: string;
  fingerprint: string;
}

const KEY_LINE =
  /^\S+\s+(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)\s+([A-Za-z0-9+/]+={0,2})\s*$/;

export function parseKeyscan(output: string): ScannedKey[] {
  const keys = output.split("\n").flatMap((line) => {
    const m = KEY_LINE.exec(line.trim());
    return m ? [{ key: `${m[1]} ${m[2]}`, type: m[1]!, fingerprint: fingerprint(m[2]!) }] : [];
  });
  const unique = new Map(keys.map((k) => [k.key, k]));
  return [...unique.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export function fingerprint(base64Blob: string): string {
  const digest = crypto()
    .createHash("sha256")
    .update(Buffer.from(base64Blob, "base64"))
    .digest("base64");
  return `SHA256:${digest.replace(/=+$/, "")}`;
}
