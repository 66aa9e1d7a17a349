// A command's effects as data: what to create, write, remove and run, in order. Commands compute
// a plan from what they read; one executor (execute.ts) carries it out, or with --dry-run only
// describes it, so every change to the machine is made in one place.
import type { Code } from "../codes.ts";

/**
 * A file effect below --root DIR names its `root`: the file applier (apply-files.ts) then
 * resolves its path inside DIR (in-root.ts), so no link leads a write out of the tree.
 */
interface Jailed {
  root?: string;
}

/**
 * Bytes of a file the gatherer opened and still holds (the generator's kept memo, read once to
 * check it and again to write its units: src/edge/read.ts), `size` of them from `offset`.
 */
export interface FileRange {
  fd: number;
  offset: number;
  size: number;
}

/** What an in-place write writes: text, its bytes, parts of either, or a range of a held file. */
export type InPlaceText = string | Uint8Array | readonly (string | Uint8Array)[] | FileRange;

export type Effect =
  | ({
      kind: "mkdir";
      path: string;
      /** Exactly this mode, whatever the umask (a key directory is 0700); else 0755. */
      mode?: number;
      failure?: string;
    } & Jailed)
  | ({ kind: "chmod"; path: string; mode: number; failure?: string } & Jailed)
  | ({
      kind: "write";
      path: string;
      text: string | Uint8Array;
      mode: number;
      /** Atomic (atomic-write.ts): a reader sees the old file or the new one. The default. */
      atomic?: true;
      /** fsync file and directory (units, specs); a build directory leaves that to the OS. */
      durable: boolean;
      /** Where the temp file is made (atomic-write.ts); beside the target when not given. */
      staging?: string;
      /** The owner the file keeps (trust rewrites a spec that is not root's); else the writer. */
      owner?: { uid: number; gid: number };
      /** The message a failure is reported with, before its reason. */
      failure?: string;
    } & Jailed)
  | ({
      kind: "write";
      path: string;
      /** Text, or its bytes, or parts of either, or a range of the generator's kept memo. */
      text: InPlaceText;
      /** The file's mode, exactly (set with fchmod after the open). */
      mode: number;
      /**
       * Written in place: open, write, close, no temp file, fsync or rename. Only for a
       * generator's output directory, a tmpfs that systemd empties before the run and reads only
       * after the generator exits (systemd.generator(7)), so no reader sees half a file.
       */
      atomic: false;
      failure?: string;
    } & Jailed)
  | ({ kind: "remove"; path: string; failure?: string } & Jailed)
  /** A symbolic link at path to target, replacing a link or file already there. */
  | ({ kind: "link"; path: string; target: string; failure?: string } & Jailed)
  | {
      kind: "run";
      argv: string[];
      /** A failure is a warning, not an error (e.g. reset-failed of a unit already gone). */
      tolerate?: boolean;
      /** The message a failure is reported with (its stderr follows). */
      failure?: string;
      /**
       * The units this command starts: systemctl waits until each is up (Type=forking), so a
       * failure is explained per unit by the executor's onStartFailure.
       */
      starts?: string[];
    };

/** What the file applier (apply-files.ts) performs: every effect but a command. */
export type FileEffect = Exclude<Effect, { kind: "run" }>;

/** A change the plan will not make (a foreign unit, a unit not installed): exit 1, nothing done. */
export interface Refusal {
  /** The diagnostic code --json reports it under, e.g. "install/foreign-unit". */
  code: Code;
  unit: string;
  path: string;
  message: string;
}

/** One line per effect, as --dry-run shows it ("would write …") or as done ("wrote …"). */
export function describe(e: Effect, dryRun: boolean): string {
  const verb = {
    mkdir: ["created", "would create"],
    chmod: ["set the mode of", "would set the mode of"],
    write: ["wrote", "would write"],
    remove: ["removed", "would remove"],
    link: ["linked", "would link"],
    run: ["", "would run: "],
  }[e.kind][dryRun ? 1 : 0];
  if (e.kind === "run") return `${verb}${e.argv.join(" ")}`;
  return e.kind === "link" ? `${verb} ${e.path} -> ${e.target}` : `${verb} ${e.path}`;
}
