// Running systemctl (and journalctl): argv arrays only, never a shell. The runner is an
// interface so fast unit tests can record calls; everything users meet runs the real one.
import type * as ChildProcess from "node:child_process";
import { lazyBuiltin } from "../builtin.ts";
import { SystemError } from "../errors.ts";

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

export const processRunner: Runner = {
  run(argv) {
    const [cmd, ...args] = argv;
    const r = childProcess().spawnSync(cmd!, args, {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.error) {
      const code = (r.error as NodeJS.ErrnoException).code;
      throw new SystemError(
        code === "ENOENT"
          ? `${cmd} not found: is this a systemd machine?`
          : `cannot run ${cmd}: ${r.error.message}`,
        undefined,
        "system/missing-tool",
      );
    }
    return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  },
};

/** Runs a command; a non-zero exit becomes a SystemError carrying its stderr. */
export function runChecked(runner: Runner, argv: string[]): RunResult {
  const r = runner.run(argv);
  if (r.status !== 0) {
    throw new SystemError(
      `${argv.join(" ")} failed with exit status ${r.status}`,
      r.stderr.trim() || r.stdout.trim(),
      "system/command",
    );
  }
  return r;
}
