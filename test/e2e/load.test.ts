// Load on one relay (issue 18 §1, docs/reliability.md "Many devices on one relay"): 200 tunnels
// from 10 device namespaces to one relay sshd configured as `tunnelc relay` prints it, in a
// booted container (test/e2e/load.sh). Each event's figure is printed and judged here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers/paths.ts";
import { needs } from "../helpers/prereq.ts";
import { bootScenario, canBoot, ensureRootfs } from "./container.ts";
import { readRunLog, reportChecks } from "./checks.ts";

const DEVICES = Number(process.env.TUNNELC_LOAD_DEVICES ?? 10);
const PER = Number(process.env.TUNNELC_LOAD_PER ?? 20);
const OUTAGE = 60;
/** "no": the relay keeps sshd's own MaxStartups (for docs/reliability.md's comparison; no target). */
const LIMITS = process.env.TUNNELC_LOAD_LIMITS === "no" ? "no" : "yes";
/** "yes": the units keep their mount namespace (load.sh separate_host), for comparison. */
const SANDBOX = process.env.TUNNELC_LOAD_SANDBOX === "yes" ? "yes" : "no";
/** A restart.spreadSec for every tunnel (0: all retry after the same delay), for the comparison
 *  in docs/reliability.md; unset: the spec's default. */
const SPREAD = /^\d+$/.test(process.env.TUNNELC_LOAD_SPREAD ?? "")
  ? process.env.TUNNELC_LOAD_SPREAD!
  : "default";
/** "yes": the relay's PAM sessions keep pam_systemd (load.sh), for comparison; no target. */
const LOGIND = process.env.TUNNELC_LOAD_LOGIND === "yes" ? "yes" : "no";
/** Issue 18: every tunnel back within 30 s after each event, with tunnelc's defaults... */
const TARGET_S = 30;
/**
 * ...on a machine where the same logins by plain ssh (load.sh's floor) take 8 s or less; on a
 * slower one, 2.5 times the floor plus the restart delay and its spread (at most 10 s). The floor
 * is the relay's logins and the devices' ssh alone; the units' own starts on the same two cores
 * (systemd, the key's hand-over, ssh) and the few logins that outwait a keep-alive add to it
 * (measured on a slow machine of this kind: cold 1.5–1.6×, herd 1.5–2.0× plus the delay), and a
 * dropped session waits its restart delay first. Both are measured in the same run,
 * so the target moves with the machine, not with tunnelc: a storm of retries still misses it
 * (with pam_systemd, docs/reliability.md, cold took 90–107 s where the floor without it is 26 s).
 */
const FLOOR_FACTOR = 2.5;
const RESTART_S = 10;
/** What load.sh reports beside each figure, in the table's order. */
const COLUMNS = [
  "restarts",
  "drops",
  "failed",
  "relay_cpu_s",
  "device_pss_kib_per_tunnel",
  "relay_pss_kib_per_tunnel",
] as const;
const EVENTS = {
  cold: "all units started at once",
  herd: "every relay sshd process killed, sshd started again",
  outage: `the relay unreachable for ${OUTAGE} s`,
} as const;

const loadUnit = `[Unit]
Description=tunnelc load on one relay
After=network.target

[Service]
Type=oneshot
Environment=DEVICES=${DEVICES} PER=${PER} OUTAGE=${OUTAGE} LIMITS=${LIMITS} SPREAD=${SPREAD} SANDBOX=${SANDBOX} LOGIND=${LOGIND}
ExecStart=/bin/bash /tunnelc/test/e2e/load.sh
StandardOutput=file:/results/trace
StandardError=inherit
TimeoutStartSec=900
ExecStopPost=/bin/systemctl poweroff --no-block
`;

test(
  `${DEVICES * PER} tunnels on one relay in a booted container`,
  { timeout: 1_200_000 },
  async (t) => {
    const why = canBoot();
    if (!needs(t, why ?? "", why === undefined)) return;
    assert.ok(existsSync(join(ROOT, "dist", "cli.cjs")), "build first (npm run build)");
    const rootfs = ensureRootfs((s) => t.diagnostic(s));
    const results = mkdtempSync(join(tmpdir(), "tunnelc-load-"));
    chmodSync(results, 0o755);
    const started = Date.now();
    const run = await bootScenario({
      rootfs,
      results,
      unitDir: results,
      unitName: "tunnelc-load.service",
      unitText: loadUnit,
      timeoutMs: 1_000_000,
    });
    t.diagnostic(`the load container took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const log = readRunLog(results, run.output);
    await reportChecks(t, "load", { ...log, timedOut: run.timedOut });

    const figures = new Map(
      log.lines
        .filter((l) => l.startsWith("figure "))
        .map((l) => {
          const [, event, seconds, ...rest] = l.split(" ");
          return [
            event!,
            { seconds: seconds!, fields: Object.fromEntries(rest.map((kv) => kv.split("="))) },
          ];
        }),
    );
    const floor = figures.get("floor");
    const target = Math.max(TARGET_S, RESTART_S + FLOOR_FACTOR * Number(floor?.seconds ?? NaN));
    t.diagnostic(
      `floor: ${DEVICES * PER} plain ssh logins at once took ${floor?.seconds ?? "none"} s (relay CPU ${floor?.fields.relay_cpu_s ?? "?"} s): target ${target} s`,
    );
    // Without a floor there is no target: that is a failure, not a pass.
    await t.test("floor: the machine's own pace was measured", () => {
      assert.ok(floor && Number.isFinite(target), `no floor: ${floor?.seconds ?? "none"}`);
    });
    const judged = LIMITS === "yes" && LOGIND === "no";
    t.diagnostic(`| event | seconds until all back | ${COLUMNS.join(" | ")} |`);
    for (const [event, what] of Object.entries(EVENTS)) {
      const f = figures.get(event);
      const fields = f?.fields ?? {};
      t.diagnostic(
        `| ${what} | ${f?.seconds ?? "none"} | ${COLUMNS.map((k) => fields[k] ?? "?").join(" | ")} |`,
      );
      // sshd's own MaxStartups, and pam_systemd, are measured for comparison, with no target.
      if (!judged) continue;
      await t.test(`${what}: all ${DEVICES * PER} back within ${target} s, none given up`, () => {
        assert.ok(f, "no figure: the event did not run");
        assert.equal(fields.back, `${DEVICES * PER}/${DEVICES * PER}`, `only ${fields.back} back`);
        assert.ok(Number(f.seconds) <= target, `took ${f.seconds} s`);
        assert.equal(fields.failed, "0", "a unit failed for good");
      });
    }
    // Many tunnels on one host (docs/reliability.md): the same units with their sandbox, on one
    // systemd. Before the hand-over (src/render/handover.ts) 200 never all came up: each start
    // was killed by TimeoutStartSec= and retried, so none may be restarted now.
    const host = log.lines.find((l) => l.startsWith("figure host "))?.split(" ");
    const hostFields = Object.fromEntries((host ?? []).slice(3).map((kv) => kv.split("=")));
    t.diagnostic(
      `host: ${DEVICES * PER} units with their sandbox started together on one systemd: all active after ${host?.[2] ?? "none"} s, ${hostFields.restarts ?? "?"} restarts, mount table ${hostFields.mounts_before ?? "?"} → ${hostFields.mounts_after ?? "?"} lines`,
    );
    // With sshd's own MaxStartups the relay drops logins, and those starts fail: no target.
    if (judged)
      await t.test(
        `host: all ${DEVICES * PER} units with their sandbox active within ${target} s of starting together, none restarted`,
        () => {
          assert.ok(host, "no figure: the event did not run");
          assert.equal(hostFields.active, `${DEVICES * PER}/${DEVICES * PER}`);
          assert.ok(Number(host[2]) <= target, `took ${host[2]} s`);
          assert.equal(hostFields.restarts, "0", "starts failed and were retried");
          assert.equal(hostFields.sandboxed, "strict", "the units kept their sandbox");
        },
      );
    if (process.env.TUNNELC_E2E_KEEP) t.diagnostic(`results kept in ${results}`);
    else rmSync(results, { recursive: true, force: true });
  },
);
