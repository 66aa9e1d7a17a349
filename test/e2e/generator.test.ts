// The generator end to end (test/e2e/generator.sh has the scenarios): boots of a rootfs whose
// generator and specs were bind-mounted in before it booted (then again with the memo it kept,
// and with a generator whose node is not there), one boot where the CLI installs the generator
// and specs are dropped in live. Never writes into the cached rootfs or the host.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CLI, ROOT } from "../helpers/paths.ts";
import { hasTool, needs } from "../helpers/prereq.ts";
import { canBoot, ensureRootfs } from "./container.ts";
import { runScenarios } from "./checks.ts";

const UNIT = "tunnelc-e2e-generator.service";
const runnerUnit = (phase: string) => `[Unit]
Description=tunnelc generator scenarios (${phase})
After=ssh.service network.target
Wants=ssh.service

[Service]
Type=oneshot
Environment=TUNNELC=/tunnelc/bin/tunnelc.cjs PHASE=${phase}
ExecStart=/bin/bash /tunnelc/test/e2e/generator.sh
StandardOutput=file:/results/trace
StandardError=inherit
TimeoutStartSec=200
ExecStopPost=/bin/systemctl poweroff --no-block
`;

const spec = (name: string, port: number, host: string, hostKey: string, identity: string) =>
  `${JSON.stringify({
    name,
    server: { host, user: "relay", hostKeys: [hostKey] },
    identity,
    forwards: [{ remote: port, to: "localhost:22" }],
    restart: { delaySec: 1 },
  })}\n`;

async function boot(
  t: import("node:test").TestContext,
  phase: string,
  extra: (results: string) => [string, string][],
  minChecks: number,
  after?: (results: string) => void,
) {
  const rootfs = ensureRootfs((s) => t.diagnostic(s));
  const passed = await runScenarios(t, {
    name: phase,
    rootfs,
    unitName: UNIT,
    unitText: runnerUnit(phase),
    bindRo: (results) => [
      [ROOT, "/tunnelc"],
      [process.execPath, "/usr/bin/node"],
      ...extra(results),
    ],
    timeoutMs: 300_000,
    ...(after !== undefined && { after }),
  });
  assert.ok(passed >= minChecks, "too few checks ran");
}

test(
  "generator: a booted rootfs with the generator and a spec has the tunnel up",
  { timeout: 600_000 },
  async (t) => {
    const why = canBoot();
    if (!needs(t, why ?? "", why === undefined)) return;
    if (!needs(t, "ssh-keygen", hasTool("ssh-keygen", ["-?"]) || existsSync("/usr/bin/ssh-keygen")))
      return;
    assert.ok(existsSync(join(ROOT, "dist", "cli.cjs")), "build first (npm run build)");
    const rootfs = ensureRootfs((s) => t.diagnostic(s));
    // Read, never written: the rootfs's own host key, to pin.
    const hostKey = readFileSync(join(rootfs, "etc/ssh/ssh_host_ed25519_key.pub"), "utf8")
      .split(" ")
      .slice(0, 2)
      .join(" ");
    // The first boot's files, which the next boot gets again (its generator, specs and key) and
    // what it kept (the memo, the unit it compiled).
    let first: [string, string][] = [];
    const kept = mkdtempSync(join(tmpdir(), "tunnelc-kept-"));
    await boot(
      t,
      "boot",
      () => {
        const files = mkdtempSync(join(tmpdir(), "tunnelc-boot-files-"));
        chmodSync(files, 0o755);
        const key = join(files, "boot");
        execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "boot", "-f", key]);
        const pkg = join(files, "pkg");
        // The generator as a package would ship it, with the container's paths in it.
        execFileSync(process.execPath, [
          CLI,
          "generator",
          "install",
          "--root",
          pkg,
          "--node",
          "/usr/bin/node",
          "--bundle",
          "/tunnelc/bin/tunnelc.cjs",
        ]);
        const good = join(files, "gen-boot.json");
        writeFileSync(good, spec("gen-boot", 2240, "127.0.0.1", hostKey, "/etc/tunnelc/keys/boot"));
        const broken = join(files, "gen-broken.json");
        writeFileSync(
          broken,
          spec("gen-broken", 2241, "-oProxyCommand=x", hostKey, "/etc/tunnelc/keys/boot"),
        );
        first = [
          [
            join(pkg, "usr/lib/systemd/system-generators/tunnelc-generator"),
            "/etc/systemd/system-generators/tunnelc-generator",
          ],
          [good, "/etc/tunnelc/gen-boot.json"],
          [broken, "/etc/tunnelc/gen-broken.json"],
          [key, "/etc/tunnelc/keys/boot"],
          [`${key}.pub`, "/etc/tunnelc/keys/boot.pub"],
        ];
        return first;
      },
      13,
      (results) => {
        for (const f of ["kept.memo", "gen-boot.service"])
          if (existsSync(join(results, f))) copyFileSync(join(results, f), join(kept, f));
      },
    );
    // The next boot of the same machine: the same specs, and the memo its keeper kept, which its
    // generator replays at early boot without compiling (docs/generator.md "Speed").
    const memo = join(kept, "kept.memo");
    assert.ok(existsSync(memo), "the first boot kept no memo");
    await boot(
      t,
      "next-boot",
      () => [
        ...first,
        [memo, "/var/cache/tunnelc/generator.memo"],
        [join(kept, "gen-boot.service"), "/prev/gen-boot.service"],
      ],
      7,
    );
    // A boot whose generator names a node that is not there (removed under it): node is its #!
    // interpreter, so systemd logs that it cannot execute it and boots on, sshd and all.
    const noNode = mkdtempSync(join(tmpdir(), "tunnelc-no-node-"));
    chmodSync(noNode, 0o755);
    execFileSync(process.execPath, [
      CLI,
      "generator",
      "install",
      "--root",
      noNode,
      "--node",
      "/nonexistent/node",
      "--bundle",
      "/tunnelc/bin/tunnelc.cjs",
    ]);
    const generator = join(noNode, "usr/lib/systemd/system-generators/tunnelc-generator");
    await boot(t, "no-node-boot", () => [[generator, first[0]![1]], ...first.slice(1)], 4);
    rmSync(noNode, { recursive: true, force: true });
    rmSync(kept, { recursive: true, force: true });
    rmSync(dirname(first[1]![0]), { recursive: true, force: true });
  },
);

test(
  "generator: install, drop a spec, daemon-reload; a broken spec beside and by an edit",
  { timeout: 600_000 },
  async (t) => {
    const why = canBoot();
    if (!needs(t, why ?? "", why === undefined)) return;
    assert.ok(existsSync(join(ROOT, "dist", "cli.cjs")), "build first (npm run build)");
    await boot(t, "live", () => [], 53);
  },
);
