// Recognising units tunnelc generated: the header names the spec and carries a hash
// (src/render/build-unit.ts). A unit without it belongs to someone else and is never overwritten
// or removed without --force.
import { HASH_PREFIX, SPEC_PREFIX } from "../render/build-unit.ts";

export interface Ownership {
  owned: boolean;
  spec?: string;
  hash?: string;
}

/** Reads the header comment block only: the first lines that start with "#". */
export function ownershipOf(text: string): Ownership {
  const out: Ownership = { owned: false };
  for (const line of text.split("\n")) {
    if (!line.startsWith("#")) break;
    const body = line.replace(/^#\s?/, "");
    if (body.startsWith(HASH_PREFIX)) out.hash = body.slice(HASH_PREFIX.length).trim();
    if (body.startsWith(SPEC_PREFIX)) out.spec = body.slice(SPEC_PREFIX.length).trim();
  }
  out.owned = out.hash !== undefined && /^sha256:[0-9a-f]+$/.test(out.hash);
  return out;
}
