// restart.spreadSec (issue 18 §3): RestartSec= is the delay plus a fixed share of the spread taken
// from the tunnel's hash, so the devices of a fleet dropped together retry apart. What systemd
// parses is checked with its own parser (systemd-analyze timespan), and the spread over a fleet is
// measured, not assumed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { buildModel } from "../src/model/build-model.ts";
import { compileSpecs } from "../src/render/units.ts";
import { restartDelay, spreadShare } from "../src/render/restart-delay.ts";
import { needs } from "./helpers/prereq.ts";
import { hasSystemdAnalyze } from "./helpers/systemd.ts";

const device = (port: number, restart?: object) => ({
  name: `dev${port}`,
  server: "fleet@192.0.2.1",
  identity: `/etc/tunnelc/keys/dev${port}`,
  forwards: [{ remote: port, to: "localhost:22" }],
  ...(restart !== undefined && { restart }),
});

function restartSecs(tunnels: object[]): string[] {
  const r = compileSpecs([{ file: "fleet.json", text: JSON.stringify({ tunnels }) }]);
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  return r.units.map((u) => /^RestartSec=(.*)$/m.exec(u.text)?.[1] ?? "none");
}

test("200 devices of a fleet spread over the whole 5 s after the 5 s delay", () => {
  const ports = Array.from({ length: 200 }, (_, i) => 20001 + i);
  const secs = restartSecs(ports.map((p) => device(p))).map(Number);
  assert.ok(
    secs.every((s) => s >= 5 && s < 10),
    secs.join(" "),
  );
  // 200 over 50 tenths: about 4 a tenth; a clump of 12 or more would be lockstep again.
  const perTenth = new Map<number, number>();
  for (const s of secs) perTenth.set(s, (perTenth.get(s) ?? 0) + 1);
  assert.ok(perTenth.size >= 40, `only ${perTenth.size} distinct delays`);
  assert.ok(Math.max(...perTenth.values()) < 12, JSON.stringify([...perTenth]));
  // Every second of the spread gets a fair share (40 expected).
  for (let s = 5; s < 10; s++) {
    const n = secs.filter((x) => Math.floor(x) === s).length;
    assert.ok(n >= 20 && n <= 60, `${n} devices in second ${s}`);
  }
});

test("the same spec gives the same RestartSec= every time; another port gives its own", () => {
  const a = restartSecs([device(2222)]);
  assert.deepEqual(restartSecs([device(2222)]), a);
  const others = new Set([2223, 2224, 2225, 2226, 2227].map((p) => restartSecs([device(p)])[0]));
  assert.ok(others.size >= 3, [...others].join(" "));
});

test("spreadSec 0 keeps RestartSec= the delay itself, as does the seed form", () => {
  assert.deepEqual(restartSecs([device(2222, { delaySec: 7, spreadSec: 0 })]), ["7"]);
  const seed = compileSpecs([
    {
      file: "seed.json",
      text: JSON.stringify({
        enable: true,
        remoteHostname: "relay.example.net",
        remoteUser: "u",
        localUser: "tunnel",
      }),
    },
  ]);
  assert.ok(seed.ok, JSON.stringify(seed.diagnostics));
  assert.match(seed.units[0]!.text, /^RestartSec=10$/m);
});

test("the share stays inside the spread for every spread and hash", () => {
  const hashes = ["sha256:00000000", "sha256:ffffffff", "sha256:7fffffff", "sha256:12345678"];
  for (const spread of [1, 2, 5, 60, 3600])
    for (const h of hashes) {
      const share = spreadShare(h, spread);
      assert.ok(share >= 0 && share < spread * 10, `${h} ${spread}: ${share}`);
    }
  assert.equal(restartDelay(5, 0, "sha256:ffffffff"), "5");
  assert.equal(restartDelay(5, 5, "sha256:00000000"), "5");
  assert.equal(restartDelay(5, 5, "sha256:0000000b"), "6.1");
});

test("systemd parses every RestartSec= of a fleet as the seconds meant", (t) => {
  if (!needs(t, "systemd-analyze", hasSystemdAnalyze())) return;
  const secs = restartSecs(Array.from({ length: 30 }, (_, i) => device(30001 + i)));
  const r = spawnSync("systemd-analyze", ["timespan", ...secs], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const parsed = [...r.stdout.matchAll(/^\s*μs: (\d+)$/gm)].map((m) => Number(m[1]));
  assert.deepEqual(
    parsed,
    secs.map((s) => Math.round(Number(s) * 1e6)),
  );
});

for (const [value, pointer] of [
  [-1, "/tunnels/0/restart/spreadSec"],
  [3601, "/tunnels/0/restart/spreadSec"],
  [1.5, "/tunnels/0/restart/spreadSec"],
  ["5", "/tunnels/0/restart/spreadSec"],
] as const) {
  test(`restart.spreadSec ${JSON.stringify(value)} is refused at ${pointer}`, () => {
    const text = JSON.stringify({ tunnels: [device(2222, { spreadSec: value })] });
    const m = buildModel([{ file: "fleet.json", text }]);
    assert.equal(m.ok, false);
    assert.ok(
      m.diagnostics.some((d) => d.severity === "error" && d.location.pointer === pointer),
      JSON.stringify(m.diagnostics.map((d) => [d.location.pointer, d.message])),
    );
  });
}

// ---- restart.maxDelaySec: systemd 254's back-off (RestartSteps=, RestartMaxDelaySec=) -------
// Booted on systemd 257 in test/e2e/newer.test.ts; here what the unit says and what is refused.

const backoffLines = (restart: object) => {
  const r = compileSpecs([
    { file: "fleet.json", text: JSON.stringify({ tunnels: [device(2222, restart)] }) },
  ]);
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  return r.units[0]!.text.split("\n").filter((l) => /^Restart(Steps|MaxDelaySec)=/.test(l));
};

test("restart.maxDelaySec adds RestartSteps= (4 unless steps says) and RestartMaxDelaySec=; without it, neither", () => {
  assert.deepEqual(backoffLines({ maxDelaySec: 30 }), ["RestartSteps=4", "RestartMaxDelaySec=30"]);
  assert.deepEqual(backoffLines({ maxDelaySec: 20, steps: 3, spreadSec: 0 }), [
    "RestartSteps=3",
    "RestartMaxDelaySec=20",
  ]);
  assert.deepEqual(backoffLines({}), []);
  assert.deepEqual(backoffLines({ steps: 3 }), [], "steps alone backs nothing off");
});

for (const [restart, pointer, message] of [
  [{ maxDelaySec: 10 }, "/tunnels/0/restart/maxDelaySec", /more than .*\(10\)/],
  [{ maxDelaySec: 6, delaySec: 6, spreadSec: 0 }, "/tunnels/0/restart/maxDelaySec", /\(6\)/],
  [{ maxDelaySec: 0 }, "/tunnels/0/restart/maxDelaySec", /./],
  [{ maxDelaySec: 86401 }, "/tunnels/0/restart/maxDelaySec", /./],
  [{ maxDelaySec: 30, steps: 0 }, "/tunnels/0/restart/steps", /./],
  [{ maxDelaySec: 30, steps: 101 }, "/tunnels/0/restart/steps", /./],
] as const) {
  test(`restart ${JSON.stringify(restart)} is refused at ${pointer}`, () => {
    const text = JSON.stringify({ tunnels: [device(2222, restart)] });
    const m = buildModel([{ file: "fleet.json", text }]);
    assert.equal(m.ok, false);
    assert.ok(
      m.diagnostics.some(
        (d) => d.severity === "error" && d.location.pointer === pointer && message.test(d.message),
      ),
      JSON.stringify(m.diagnostics.map((d) => [d.location.pointer, d.message])),
    );
  });
}
