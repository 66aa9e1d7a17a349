// End to end: the real CLI inside a booted Debian with a real systemd and a real sshd
// (test/e2e/inside.sh has the scenarios). Each line the container reports becomes a subtest.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, existsSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers/paths.ts";
import { needs } from "../helpers/prereq.ts";
import { bootOnce, canBoot, ensureRootfs } from "./container.ts";
import { readRunLog, reportChecks } from "./checks.ts";

const UNIT = "tunnelc-e2e.service";
const RUNNER_UNIT = `[Unit]
Description=tunnelc end-to-end scenarios
After=ssh.service network.target
Wants=ssh.service

[Service]
Type=oneshot
Environment=TUNNELC=/tunnelc/bin/tunnelc.cjs
ExecStart=/bin/bash /tunnelc/test/e2e/inside.sh
StandardOutput=file:/results/trace
StandardError=inherit
TimeoutStartSec=200
ExecStopPost=/bin/systemctl poweroff --no-block
`;

test("end to end in a booted container", { timeout: 900_000 }, async (t) => {
  const why = canBoot();
  if (!needs(t, why ?? "", why === undefined)) return;
  assert.ok(existsSync(join(ROOT, "dist", "cli.cjs")), "build first (npm run build)");
  const rootfs = ensureRootfs((s) => t.diagnostic(s));
  const results = mkdtempSync(join(tmpdir(), "tunnelc-e2e-"));
  chmodSync(results, 0o755);
  const unitFile = join(results, UNIT);
  writeFileSync(unitFile, RUNNER_UNIT);
  const started = Date.now();
  const boot = bootOnce({
    rootfs,
    results,
    bindRo: [
      [ROOT, "/tunnelc"],
      [process.execPath, "/usr/bin/node"],
      [unitFile, `/etc/systemd/system/${UNIT}`],
    ],
    unitName: UNIT,
    timeoutMs: 300_000,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  t.diagnostic(`container run took ${seconds} s`);
  const passed = await reportChecks(t, "e2e", {
    ...readRunLog(results, boot.output),
    timedOut: boot.timedOut,
  });
  assert.ok(passed >= 30, "too few checks ran");
  if (process.env.TUNNELC_E2E_KEEP) t.diagnostic(`results kept in ${results}`);
  else rmSync(results, { recursive: true, force: true });
});
