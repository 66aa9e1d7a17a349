// npm run bench: tunnelc's speed and memory as ratios against baselines measured in the same run
// on the same machine (docs/performance.md). Targets: (a) compile of one spec ≤ 1.5× `node -e 0`;
// (b) 1,000 tunnels → 1,000 units ≤ 4× systemd's own C generator (systemd-sysv-generator) turning
// 1,000 LSB init scripts into 1,000 units; (c) peak RSS for 1,000 tunnels ≤ 80 MiB; (d) install
// of 50 tunnels plans exactly one daemon-reload. Exit 1 when a target is missed.
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const RUNS = Number(process.env.BENCH_RUNS ?? 25);
const CLI = "bin/tunnelc.cjs";
const GENERATOR = "/lib/systemd/system-generators/systemd-sysv-generator";
const work = mkdtempSync(join(tmpdir(), "tunnelc-bench-"));

function run(cmd, args, env = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Alternate the two commands so drift on the machine hits both alike. */
function compare(a, b, runs = RUNS, before = () => {}) {
  for (let i = 0; i < 3; i++) {
    before();
    run(...a);
    run(...b);
  }
  const ta = [];
  const tb = [];
  for (let i = 0; i < runs; i++) {
    before();
    ta.push(run(...a));
    before();
    tb.push(run(...b));
  }
  return { a: median(ta), b: median(tb) };
}

function fleetSpec(n) {
  const tunnels = Array.from({ length: n }, (_, i) => ({
    name: `t${i}`,
    server: { host: `relay${i % 10}.example.net`, user: "relay" },
    identity: `/etc/tunnelc/keys/t${i}`,
    forwards: [{ remote: 10000 + i, to: "localhost:22" }],
  }));
  const f = join(work, `fleet-${n}.json`);
  writeFileSync(f, JSON.stringify({ tunnels }));
  return f;
}

function initScripts(n) {
  const dir = join(work, "init.d");
  mkdirSync(dir);
  for (let i = 0; i < n; i++) {
    const f = join(dir, `svc${i}`);
    writeFileSync(
      f,
      `#!/bin/sh\n### BEGIN INIT INFO\n# Provides:          svc${i}\n# Required-Start:    $network $remote_fs\n# Required-Stop:     $network $remote_fs\n# Default-Start:     2 3 4 5\n# Default-Stop:      0 1 6\n# Short-Description: service ${i}\n### END INIT INFO\nexit 0\n`,
    );
    chmodSync(f, 0o755);
  }
  mkdirSync(join(work, "rc.d"));
  return dir;
}

const results = [];
function report(label, value, target, unit, ok) {
  results.push(ok);
  console.log(`${ok ? "ok  " : "MISS"} ${label}: ${value}${unit} (target ${target}${unit})`);
}

// (a) start-up
const one = "docs/examples/phone-home.json";
const a = compare(
  [process.execPath, ["-e", "0"]],
  [process.execPath, [CLI, "compile", one, "-o", "-"]],
);
const ra = a.b / a.a;
console.log(
  `(a) node -e 0: ${a.a.toFixed(1)} ms, tunnelc compile one spec: ${a.b.toFixed(1)} ms (medians of ${RUNS})`,
);
report("(a) compile one spec / node -e 0", ra.toFixed(2), "≤ 1.5", "x", ra <= 1.5);

// (b) 1,000 units
const n = 1000;
const spec = fleetSpec(n);
const units = join(work, "units");
const gen = join(work, "generated");
const init = initScripts(n);
const clean = () => {
  rmSync(units, { recursive: true, force: true });
  rmSync(gen, { recursive: true, force: true });
  mkdirSync(gen);
};
const b = compare(
  [
    GENERATOR,
    [gen, gen, gen],
    {
      SYSTEMD_SYSVINIT_PATH: init,
      SYSTEMD_SYSVRCND_PATH: join(work, "rc.d"),
      SYSTEMD_LOG_LEVEL: "err",
    },
  ],
  [process.execPath, [CLI, "compile", spec, "-o", units]],
  Math.max(5, Math.floor(RUNS / 3)),
  clean,
);
clean();
run(GENERATOR, [gen, gen, gen], {
  SYSTEMD_SYSVINIT_PATH: init,
  SYSTEMD_SYSVRCND_PATH: join(work, "rc.d"),
  SYSTEMD_LOG_LEVEL: "err",
});
run(process.execPath, [CLI, "compile", spec, "-o", units]);
const made = readdirSync(units).length;
const generated = readdirSync(gen).filter((f) => f.endsWith(".service")).length;
const rb = b.b / b.a;
console.log(
  `(b) systemd-sysv-generator, ${generated} units: ${b.a.toFixed(1)} ms; tunnelc, ${made} units: ${b.b.toFixed(1)} ms`,
);
report(
  "(b) 1,000 units / systemd-sysv-generator",
  rb.toFixed(2),
  "≤ 4",
  "x",
  rb <= 4 && made === n && generated >= n,
);

// (c) memory
const rssFile = join(work, "rss");
run(process.execPath, ["-r", "./scripts/report-rss.cjs", CLI, "compile", spec, "-o", units], {
  TUNNELC_RSS_FILE: rssFile,
});
const rss = Number(readFileSync(rssFile, "utf8")) / 1024;
run(process.execPath, ["-r", "./scripts/report-rss.cjs", "-e", "0"], { TUNNELC_RSS_FILE: rssFile });
const floor = Number(readFileSync(rssFile, "utf8")) / 1024;
console.log(
  `(c) peak RSS: node -e 0 ${floor.toFixed(1)} MiB, tunnelc with ${n} tunnels ${rss.toFixed(1)} MiB`,
);
report("(c) peak RSS, 1,000 tunnels", rss.toFixed(1), "≤ 80", " MiB", rss <= 80);

// (d) one daemon-reload for 50 tunnels (a dry run of a live install: the plan, not the system)
const fifty = fleetSpec(50);
const plan = spawnSync(
  process.execPath,
  [CLI, "install", fifty, "--enable", "--now", "--dry-run", "--json"],
  { encoding: "utf8" },
);
const commands = JSON.parse(plan.stdout).commands;
const reloads = commands.filter((c) => c.includes("daemon-reload")).length;
console.log(
  `(d) install of 50 tunnels plans: ${commands.map((c) => c.slice(0, 4).join(" ") + (c.length > 4 ? " …" : "")).join("; ")}`,
);
report(
  "(d) daemon-reloads for 50 tunnels",
  reloads,
  "= 1",
  "",
  reloads === 1 && commands.length === 2,
);

rmSync(work, { recursive: true, force: true });
process.exitCode = results.every(Boolean) ? 0 : 1;
