// A Debian rootfs booted with systemd-nspawn (docs/testing.md): built once with debootstrap and
// cached, then booted with --volatile=overlay so every run starts from the same pristine tree.
// Never boots anything on the host's own root.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers/paths.ts";

export const PACKAGES = [
  "systemd",
  "systemd-sysv",
  "dbus",
  "openssh-server",
  "openssh-client",
  "libnss-systemd",
  "libpam-systemd",
  "libstdc++6",
  "iproute2",
  "netcat-openbsd",
  // man tunnelc, run inside the container once tunnelc's own package is installed
  // (test/packages/self-inside.sh).
  "man-db",
];

const CACHE = process.env.TUNNELC_E2E_CACHE ?? "/var/cache/tunnelc-e2e";

/**
 * The Debian releases the suites boot: bookworm (Debian 12: systemd 252, OpenSSH 9.2), the
 * machine CI runs on, and trixie (Debian 13: systemd 257, OpenSSH 10.0) for what only newer
 * versions have (RestartSteps=, PerSourcePenalties; test/e2e/newer.test.ts).
 */
export type Release = "bookworm" | "trixie";

export function rootfsPath(release: Release = "bookworm"): string {
  const key = createHash("sha256")
    .update(`${release}\n${PACKAGES.join(",")}`)
    .digest("hex")
    .slice(0, 12);
  return join(CACHE, `rootfs-${key}`);
}

/** The cached rootfs, built on first use (about 45 s, trixie about 55 s). */
export function ensureRootfs(log: (s: string) => void, release: Release = "bookworm"): string {
  const root = rootfsPath(release);
  if (existsSync(join(root, ".tunnelc-ready"))) return root;
  // Per process: test/e2e and test/packages.test.ts may both build it when run in parallel.
  const tmp = `${root}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  log(`building ${root} with debootstrap`);
  execFileSync(
    "debootstrap",
    ["--variant=minbase", `--include=${PACKAGES.join(",")}`, release, tmp],
    {
      stdio: ["ignore", "ignore", "pipe"],
      timeout: 600_000,
    },
  );
  // docs/testing.md: localhost must resolve; nothing else is needed from the host.
  writeFileSync(join(tmp, "etc/hosts"), "127.0.0.1 localhost\n::1 localhost\n");
  writeFileSync(join(tmp, ".tunnelc-ready"), "");
  try {
    renameSync(tmp, root);
  } catch (e) {
    // The other builder finished first: keep its tree.
    if (!existsSync(join(root, ".tunnelc-ready"))) throw e;
    rmSync(tmp, { recursive: true, force: true });
  }
  return root;
}

export interface BootOptions {
  rootfs: string;
  results: string;
  /** Host path → container path, read-only. */
  bindRo: [string, string][];
  unitName: string;
  timeoutMs: number;
  /** More systemd-nspawn options, e.g. --overlay= of a staged tree. */
  extraArgs?: string[];
}

export interface BootResult {
  status: number | null;
  output: string;
  timedOut: boolean;
}

function nspawnArgs(o: BootOptions): string[] {
  return [
    "--keep-unit",
    "--register=no",
    "-q",
    "-D",
    o.rootfs,
    "--volatile=overlay",
    "--private-network",
    `--bind=${o.results}:/results`,
    ...o.bindRo.map(([h, c]) => `--bind-ro=${h}:${c}`),
    ...(o.extraArgs ?? []),
    "-b",
    "--console=pipe",
    "--",
    `systemd.wants=${o.unitName}`,
  ];
}

/** Boots the container, which runs unitName and powers off; returns nspawn's own output. */
export function bootOnce(o: BootOptions): BootResult {
  const r = spawnSync("systemd-nspawn", nspawnArgs(o), {
    encoding: "utf8",
    timeout: o.timeoutMs,
    killSignal: "SIGKILL",
  });
  return {
    status: r.status,
    output: `${r.stdout ?? ""}${r.stderr ?? ""}`,
    timedOut: r.error !== undefined,
  };
}

/**
 * bootOnce without blocking the event loop, so several containers run at once
 * (--volatile=overlay mounts the cached tree read-only, so they can share it).
 */
export function boot(o: BootOptions): Promise<BootResult> {
  return new Promise((resolve) => {
    const child = spawn("systemd-nspawn", nspawnArgs(o), { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let timedOut = false;
    const keep = (b: Buffer) => {
      output = (output + b.toString("utf8")).slice(-20_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, o.timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ status: null, output: `${output}${String(e)}`, timedOut });
    });
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, output, timedOut });
    });
  });
}

export function canBoot(): string | undefined {
  if (process.getuid?.() !== 0) return "the e2e suite needs root (systemd-nspawn)";
  for (const tool of ["systemd-nspawn", "debootstrap"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0)
      return `${tool} is not installed`;
  }
  return undefined;
}

/**
 * One scenario container: the project (at /tunnelc) and this node bound in read-only, and the
 * scenario's oneshot unit (written into `unitDir`), booted until that unit powers it off.
 */
export function bootScenario(o: {
  rootfs: string;
  results: string;
  unitDir: string;
  unitName: string;
  unitText: string;
  timeoutMs: number;
}): Promise<BootResult> {
  const unitFile = join(o.unitDir, o.unitName);
  writeFileSync(unitFile, o.unitText);
  return boot({
    rootfs: o.rootfs,
    results: o.results,
    bindRo: [
      [ROOT, "/tunnelc"],
      [process.execPath, "/usr/bin/node"],
      [unitFile, `/etc/systemd/system/${o.unitName}`],
    ],
    unitName: o.unitName,
    timeoutMs: o.timeoutMs,
  });
}
