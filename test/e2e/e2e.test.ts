// End to end: the real CLI inside a booted Debian with a real systemd and a real sshd
// (test/e2e/inside.sh has the scenarios). Each line the container reports becomes a subtest.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers/paths.ts";
import { needs } from "../helpers/prereq.ts";
import { canBoot, ensureRootfs } from "./container.ts";
import { runScenarios } from "./checks.ts";

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
  const passed = await runScenarios(t, {
    name: "e2e",
    rootfs,
    unitName: UNIT,
    unitText: RUNNER_UNIT,
    bindRo: () => [
      [ROOT, "/tunnelc"],
      [process.execPath, "/usr/bin/node"],
    ],
    timeoutMs: 300_000,
  });
  assert.ok(passed >= 30, "too few checks ran");
});
