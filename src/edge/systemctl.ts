// Running systemctl (and journalctl): argv arrays only, never a shell. The runner is an
// interface so fast unit tests can record calls; everything users meet runs the real one.
import type * as ChildProcess from "node:child_process";
import { lazyBuiltin } from "../builtin.ts";
import { SystemError, commandFailed } from "../errors.ts";
import type { Code } from "../codes.ts";

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface Runner {
  run(argv: string[]): RunResult;
}

/** Loaded by the first command run: `compile` and `validate` run none. */
const childProcess = lazyBuiltin<typeof ChildProcess>("node:child_process");

export interface SpawnRunnerOptions {
  /** What to say when the program is not installed. */
  missing: (cmd: string) => string;
  /** The error code for that case (src/errors.ts); the default is SystemError's. */
  code?: Code;
  /** stdin closed, so the program can never wait for an answer. */
  closedStdin?: boolean;
}

/** A Runner over spawnSync: an argv, never a shell; a program that cannot start is a SystemError. */
export function spawnRunner(o: SpawnRunnerOptions): Runner {
  return {
    run(argv) {
      const [cmd, ...args] = argv;
      const r = childProcess().spawnSync(cmd!, args, {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        ...(o.closedStdin === true && { stdio: ["ignore", "pipe", "pipe"] }),
      });
      if (r.error) {
        const code = (r.error as NodeJS.ErrnoException).code;
        const message =
          code === "ENOENT" ? o.missing(cmd!) : `cannot run ${cmd}: ${r.error.message}`;
        throw new SystemError(message, undefined, o.code);
      }
      return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
    },
  };
}

export const processRunner: Runner = spawnRunner({
  missing: (cmd) => `${cmd} not found: is this a systemd machine?`,
  code: "system/missing-tool",
});

/** Runs a command; a non-zero exit becomes a SystemError carrying its stderr. */
export function runChecked(runner: Runner, argv: string[]): RunResult {
  const r = runner.run(argv);
  if (r.status !== 0) throw commandFailed(argv, r);
  return r;
}
