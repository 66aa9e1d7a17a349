// Where a tunnel's key lives by default: the path its unit copies the key from at each start
// (src/render/handover.ts) when the spec sets "identity" to it. Pure.
import { join, resolve } from "node:path";
import { configHome } from "../install/paths.ts";
import type { Scope } from "../model/tunnel.ts";

/** /etc/tunnelc/keys/NAME for a system unit; ~/.config/tunnelc/keys/NAME for a user unit. */
export function defaultKeyPath(
  name: string,
  scope: Scope,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return scope === "user"
    ? join(configHome(env), "tunnelc", "keys", name)
    : join("/etc/tunnelc/keys", name);
}

/**
 * Where the file is written: below --root when one is given (an image being built). The path is
 * the tree's own ("/etc/…"): its ".." stops at the root, as it would on the machine itself.
 */
export function onDisk(path: string, root: string | undefined): string {
  return root === undefined ? path : join(root, resolve("/", path));
}

/** ssh-keygen's -C comment: the tunnel and this machine, in the characters a key comment keeps. */
export function keyComment(name: string, host: string): string {
  return `tunnelc-${name}@${host.replace(/[^A-Za-z0-9.-]/g, "-") || "localhost"}`;
}
