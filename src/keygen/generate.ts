// A tunnel's ed25519 key pair, made by the real ssh-keygen(1) (an argv array, never a shell):
// private key mode 0600 in a directory of mode 0700, the public key beside it as NAME.pub.
import { dirname } from "node:path";
import { spawnRunner, type Runner } from "../install/systemctl.ts";
import { RefusedError, SystemError } from "../errors.ts";
import { execute } from "../plan/execute.ts";
import type { Effect } from "../plan/plan.ts";
import { gathererFor } from "../plan/read.ts";
import type { Gatherer } from "../plan/query.ts";

export interface KeyRequest {
  /** The file to write (already below --root). */
  file: string;
  comment: string;
  /** Replace an existing key. */
  force: boolean;
  /** Keep an existing key and return its public half (init: a key made earlier is the one to use). */
  reuse?: boolean;
}

export interface KeyPair {
  /** "ssh-ed25519 AAAA… comment", the .pub file's line. */
  publicKey: string;
  /** False when an existing key was kept (reuse). */
  created: boolean;
}

export function sshKeygenArgv(file: string, comment: string): string[] {
  return ["ssh-keygen", "-t", "ed25519", "-N", "", "-C", comment, "-f", file, "-q"];
}

/**
 * Making the key as effects: its directory (0700: only root, and the credential loader, which
 * runs as root, may read the keys), the old pair gone with --force, ssh-keygen, then mode 0600.
 */
export function keyEffects(req: KeyRequest): Effect[] {
  const pub = `${req.file}.pub`;
  const dir = dirname(req.file);
  const failure = `cannot prepare ${req.file}`;
  const removals = req.force ? [req.file, pub] : [];
  return [
    { kind: "mkdir", path: dirname(dir), failure },
    { kind: "mkdir", path: dir, mode: 0o700, failure },
    ...removals.map((path): Effect => ({ kind: "remove", path, failure })),
    {
      kind: "run",
      argv: sshKeygenArgv(req.file, req.comment),
      failure: `ssh-keygen failed for ${req.file}`,
    },
    { kind: "chmod", path: req.file, mode: 0o600, failure: `ssh-keygen wrote no ${req.file}` },
  ];
}

/** The real ssh-keygen; stdin is closed so that it can never wait for an answer. */
export const sshKeygen: Runner = spawnRunner({
  missing: (cmd) =>
    `${cmd} not found: install the OpenSSH client (Debian: apt install openssh-client)`,
  closedStdin: true,
});

export function generateKey(
  req: KeyRequest,
  runner: Runner = sshKeygen,
  gatherer: Gatherer = gathererFor(),
): KeyPair {
  const pub = `${req.file}.pub`;
  const found = gatherer.gather([req.file, pub].map(exists));
  const present = found.get(exists(req.file)) || found.get(exists(pub));
  if (present && req.reuse && !req.force)
    return { publicKey: readPublic(pub, gatherer), created: false };
  if (present && !req.force)
    throw new RefusedError(
      `${req.file} exists: keygen never replaces a key (the relay may trust it); --force replaces it`,
      "keygen/key-exists",
      req.file,
    );
  execute(keyEffects(req), runner);
  return { publicKey: readPublic(pub, gatherer), created: true };
}

const exists = (path: string) => ({ kind: "exists", path }) as const;

/** The .pub file, read after ssh-keygen made it (a second round). */
function readPublic(pub: string, gatherer: Gatherer): string {
  const q = { kind: "file", path: pub } as const;
  const { text, error } = gatherer.gather([q]).get(q);
  if (text === undefined)
    throw new SystemError(`cannot read ${pub}: ${error ?? "no such file or directory"}`);
  return text.trim();
}
