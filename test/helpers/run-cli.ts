// Runs the built CLI (bin/tunnelc.cjs → dist/) as a user would.
import { spawnSync } from "node:child_process";
import { CLI } from "./paths.ts";

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function tunnelc(
  args: string[],
  opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {},
): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd,
    input: opts.input,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "", FORCE_COLOR: undefined, ...opts.env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
