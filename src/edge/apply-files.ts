// The executor's file side: makes directories, writes, sets modes, removes and links, in order.
// Only node:fs and the atomic-write helpers, no Runner, so the generator's bundle, which applies
// its plan here, does not load child_process. execute.ts delegates every file effect to it.
import { chmodSync, closeSync, fchmodSync, openSync, rmSync, symlinkSync } from "node:fs";
import { closeStaging, ensureDir, openStaging, writeAll, writeFileAtomic } from "./atomic-write.ts";
import { SystemError } from "../errors.ts";
import { reason } from "../specfile/read.ts";
import { inRoot } from "./in-root.ts";
import type { FileEffect } from "./plan.ts";

/**
 * Applies file effects one at a time. A staging directory is cleared of a crashed run's
 * leftovers before its first use and removed by close(), once its files are in place; a failed
 * write leaves it, empty, for the next run to clear.
 */
export class FileApplier {
  private readonly staged = new Set<string>();

  apply(e: FileEffect): void {
    try {
      const j = jailed(e);
      if (j.kind === "write" && j.atomic !== false && j.staging !== undefined)
        if (!this.staged.has(j.staging)) this.staged.add(openStaging(j.staging));
      perform(j);
    } catch (err) {
      if (err instanceof SystemError) throw err;
      throw new SystemError(`${e.failure ?? `${FAILURE[e.kind]} ${e.path}`}: ${reason(err)}`);
    }
  }

  close(): void {
    for (const dir of this.staged) closeStaging(dir);
    this.staged.clear();
  }
}

/** Every effect in order; the first failure stops the rest as a SystemError. */
export function applyFiles(effects: readonly FileEffect[]): void {
  const files = new FileApplier();
  for (const e of effects) files.apply(e);
  files.close();
}

const FAILURE = {
  mkdir: "cannot create",
  chmod: "cannot set the mode of",
  write: "cannot write",
  remove: "cannot remove",
  link: "cannot link",
};

/**
 * The effect with its paths resolved inside --root (in-root.ts), the one place every write below
 * it goes through. A write (a rename), a removal or a link replaces a link at its last
 * component; a mkdir and a chmod follow it, inside the root.
 */
function jailed(e: FileEffect): FileEffect {
  if (e.root === undefined) return e;
  const at = (path: string, follow: boolean) => inRoot(e.root!, path, follow);
  switch (e.kind) {
    case "write":
      if (e.atomic === false) return { ...e, path: at(e.path, true) };
      return {
        ...e,
        path: at(e.path, false),
        ...(e.staging !== undefined && { staging: at(e.staging, true) }),
      };
    case "mkdir":
    case "chmod":
      return { ...e, path: at(e.path, true) };
    case "remove":
    case "link":
      return { ...e, path: at(e.path, false) };
  }
}

function perform(e: FileEffect): void {
  if (e.kind === "write") {
    if (e.atomic === false) writeInPlace(e.path, e.text, e.mode);
    else
      writeFileAtomic(e.path, e.text, {
        mode: e.mode,
        durable: e.durable,
        ...(e.staging !== undefined && { stagingDir: e.staging }),
        ...(e.owner !== undefined && { owner: e.owner }),
      });
  } else if (e.kind === "link") link(e.target, e.path);
  else if (e.kind === "mkdir" && e.mode === undefined) ensureDir(e.path);
  else if (e.kind === "mkdir") {
    ensureDir(e.path, e.mode!);
    chmodSync(e.path, e.mode!);
  } else if (e.kind === "chmod") chmodSync(e.path, e.mode);
  else rmSync(e.path, { force: true });
}

/**
 * writeFileSync's open, write, close, without the Buffer it makes of a string first: writeSync
 * writes a string as it is, and a generator run writes a thousand units (or their bytes, as
 * its memo holds them).
 */
function writeInPlace(
  path: string,
  text: string | Uint8Array | readonly (string | Uint8Array)[],
  mode: number,
): void {
  const fd = openSync(path, "w", mode);
  try {
    // Exactly this mode, whatever the umask or a file a manual run left (the status file: 0600).
    fchmodSync(fd, mode);
    if (typeof text === "string" || text instanceof Uint8Array) writeAll(fd, text);
    else for (const part of text) writeAll(fd, part);
  } finally {
    closeSync(fd);
  }
}

/** A link, replacing what is there (a manual run may reuse an output directory). */
function link(target: string, path: string): void {
  try {
    symlinkSync(target, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    rmSync(path, { force: true });
    symlinkSync(target, path);
  }
}
