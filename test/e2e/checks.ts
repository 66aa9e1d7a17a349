// What a container run reports (the protocol of test/e2e/*.sh): "ok - NAME" or
// "not ok - NAME # detail" per check, "note …" and "figure …" lines, and "done" at the end. Read
// once here, each check turned into a subtest, for every suite that boots a container.
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootOnce } from "./container.ts";

export interface RunLog {
  lines: string[];
  /** What a failure shows: the tail of nspawn's output and of the scenario's trace. */
  context: string;
}

export function readRunLog(results: string, nspawnOutput: string): RunLog {
  const read = (f: string) =>
    existsSync(join(results, f)) ? readFileSync(join(results, f), "utf8") : "";
  const context = `\n--- nspawn ---\n${nspawnOutput.slice(-2000)}\n--- trace (tail) ---\n${read("trace").slice(-4000)}`;
  return { lines: read("log").split("\n").filter(Boolean), context };
}

/**
 * Each check line as a subtest and each note as a diagnostic; then the run must have reached
 * "done" and not timed out. Returns how many checks passed.
 */
export async function reportChecks(
  t: TestContext,
  name: string,
  run: RunLog & { timedOut: boolean },
): Promise<number> {
  assert.ok(!run.timedOut, `the ${name} container did not finish in time${run.context}`);
  for (const line of run.lines) {
    const m = /^(ok|not ok) - (.*?)(?: # (.*))?$/.exec(line);
    if (m)
      await t.test(m[2]!, () =>
        assert.equal(m[1], "ok", `${m[3] ?? ""}${m[1] === "ok" ? "" : run.context}`),
      );
    else if (line.startsWith("note ")) t.diagnostic(line.slice(5));
  }
  assert.ok(
    run.lines.includes("done"),
    `the ${name} scenarios did not run to the end${run.context}`,
  );
  return run.lines.filter((l) => l.startsWith("ok - ")).length;
}

export interface Scenarios {
  /** For messages and the results directory's name. */
  name: string;
  rootfs: string;
  /** The oneshot unit that runs the scenarios and powers the container off. */
  unitName: string;
  unitText: string;
  /** Host path → container path, read-only, given the results directory. */
  bindRo: (results: string) => [string, string][];
  timeoutMs: number;
  /** Reads what the run left in the results directory, before it is removed. */
  after?: (results: string) => void;
}

/**
 * Boots the cached rootfs once (--volatile=overlay: it stays pristine) with the runner unit, then
 * reports each check as a subtest. Returns how many checks passed.
 */
export async function runScenarios(t: TestContext, s: Scenarios): Promise<number> {
  const results = mkdtempSync(join(tmpdir(), `tunnelc-${s.name}-`));
  chmodSync(results, 0o755);
  const unitFile = join(results, s.unitName);
  writeFileSync(unitFile, s.unitText);
  const started = Date.now();
  const boot = bootOnce({
    rootfs: s.rootfs,
    results,
    bindRo: [[unitFile, `/etc/systemd/system/${s.unitName}`], ...s.bindRo(results)],
    unitName: s.unitName,
    timeoutMs: s.timeoutMs,
  });
  t.diagnostic(`${s.name}: container run took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const passed = await reportChecks(t, s.name, {
    ...readRunLog(results, boot.output),
    timedOut: boot.timedOut,
  });
  s.after?.(results);
  if (process.env.TUNNELC_E2E_KEEP) t.diagnostic(`results kept in ${results}`);
  else rmSync(results, { recursive: true, force: true });
  return passed;
}
