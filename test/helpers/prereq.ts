// Prerequisites of a test: present, or a skip locally — but a failure in CI (CI=true), so a
// missing tool can never turn a suite green by skipping it.
import { execFileSync } from "node:child_process";
import type { TestContext } from "node:test";

export const inCI = process.env.CI === "true";

export function hasTool(cmd: string, args: string[] = ["--version"]): boolean {
  try {
    execFileSync(cmd, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** True when the test may go on; otherwise skips it (locally) or throws (in CI). */
export function needs(t: TestContext, what: string, present: boolean): boolean {
  if (present) return true;
  if (inCI) throw new Error(`prerequisite missing in CI: ${what} (.ci/run must install it)`);
  t.skip(`${what} is not available`);
  return false;
}
