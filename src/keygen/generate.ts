// A tunnel's ed25519 key pair, made by the real ssh-keygen(1) (an argv array, never a shell):
// private key mode 0600 in a directory of mode 0700, the public key beside it as NAME.pub.
import { dirname } from "node:path";
import { spawnRunner, type Runner } from "../edge/systemctl.ts";
import { RefusedError, SystemError } from "../errors.ts";
import { execute } from "../edge/execute.ts";
import type { Effect } from "../edge/plan.ts";
import { gathererFor } from "../edge/read.ts";
import type { Gatherer } from "../edge/query.ts";

export interface KeyRequest {
  /** The file to write (already below --root). */
  file: string;
  /** --root: the file is resolved inside it, its links never followed out (src/edge/in-root.ts). */
  root?: string;
  comment: string;
  /** Replace an existing key. */
  force: boolean;
  /** Keep an existing key and return its public half (init: a key made earlier is the one to use). */
  reuse?: boolean;
}

export interface KeyPair {
  /** Where the private key is: the file, or below --root where its links lead inside the root. */
  file: string;
  /** "ssh-ed25519 AAAA… comment", the .pub file's line. */
  publicKey: string;
  /** False when an existing key was kept (reuse). */
  created: boolean;
}

export function sshKeygenArgv(file: string, comment: string): string[] {
  return ["ssh-keygen", "-t", "ed25519", "-N", "", "-C", comment, "-f", file, "-q"];
}

/**
 * Making the key as effects: its directory (0700: only root, and the unit's copy at each start,
 * which runs as root, may read the keys), the old pair gone with --force, ssh-keygen, then mode 0600.
 */
export function keyEffects(req: KeyRequest): Effect[] {
  const pub = `${req.file}.pub`;
  const dir = dirname(req.file);
  const failure = `cannot prepare ${req.file}`;
  const removals = req.force ? [req.file, pub] : [];
  const jail = req.root !== undefined ? { root: req.root } : {};
  return [
    { kind: "mkdir", path: dirname(dir), failure, ...jail },
    { kind: "mkdir", path: dir, mode: 0o700, failure, ...jail },
    ...removals.map((path): Effect => ({ kind: "remove", path, failure, ...jail })),
    {
      kind: "run",
      argv: sshKeygenArgv(req.file, req.comment),
      failure: `ssh-keygen failed for ${req.file}`,
    },
    {
      kind: "chmod",
      path: req.file,
      mode: 0o600,
      failure: `ssh-keygen wrote no ${req.file}`,
      ...jail,
    },
  ];
}

/**
 * Below --root, the key's path with its links resolved beneath the root (src/edge/in-root.ts):
 * ssh-keygen opens the path it is given and follows a link there, even a dangling one, so it is
 * given the resolved path. It writes the public key beside that, as PATH.pub: a PATH.pub that is
 * itself a link is refused, as ssh-keygen would write through it.
 */
function jailedKey(req: KeyRequest, gatherer: Gatherer): KeyRequest {
  if (req.root === undefined) return req;
  const resolved = (path: string): string => {
    const q = { kind: "in-root", path, root: req.root! } as const;
    const found = gatherer.gather([q]).get(q);
    if (found.path === undefined)
      throw new RefusedError(`cannot resolve ${path}: ${found.error}`, "root/link-out", path);
    return found.path;
  };
  const file = resolved(req.file);
  const pub = resolved(`${file}.pub`);
  if (pub !== `${file}.pub`)
    throw new RefusedError(
      `${file}.pub is a symbolic link (to ${pub}): ssh-keygen would write through it; remove it`,
      "keygen/pub-link",
      `${file}.pub`,
    );
  return { ...req, file };
}

/** The real ssh-keygen; stdin is closed so that it can never wait for an answer. */
export const sshKeygen: Runner = spawnRunner({
  missing: (cmd) =>
    `${cmd} not found: install the OpenSSH client (Debian: apt install openssh-client)`,
  closedStdin: true,
});

export function generateKey(
  asked: KeyRequest,
  runner: Runner = sshKeygen,
  gatherer: Gatherer = gathererFor(),
): KeyPair {
  const req = jailedKey(asked, gatherer);
  const pub = `${req.file}.pub`;
  const found = gatherer.gather([req.file, pub].map(exists));
  const present = found.get(exists(req.file)) || found.get(exists(pub));
  if (present && req.reuse && !req.force)
    return { file: req.file, publicKey: readPublic(pub, gatherer), created: false };
  if (present && !req.force)
    throw new RefusedError(
      `${req.file} exists: keygen never replaces a key (the relay may trust it); --force replaces it`,
      "keygen/key-exists",
      req.file,
    );
  execute(keyEffects(req), runner);
  return { file: req.file, publicKey: readPublic(pub, gatherer), created: true };
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
