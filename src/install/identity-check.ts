// The identity file as install finds it: systemd reads it as root (LoadCredential=), so it
// should be readable by root alone; a key others can read is as good as leaked.
import { statSync } from "node:fs";
import type { Tunnel } from "../model/tunnel.ts";

export function identityWarnings(tunnels: Tunnel[]): string[] {
  const seen = new Set<string>();
  return tunnels.flatMap((t) => {
    if (t.identity === undefined || seen.has(t.identity)) return [];
    seen.add(t.identity);
    return checkKey(t.identity);
  });
}

function checkKey(path: string): string[] {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    return [`identity ${path} does not exist: the tunnel cannot start until it does`];
  }
  if ((mode & 0o077) === 0) return [];
  const who = mode & 0o007 ? "everyone" : "its group";
  return [
    `identity ${path} is readable by ${who} (mode ${(mode & 0o777).toString(8).padStart(4, "0")}): chmod 600 ${path}`,
  ];
}
