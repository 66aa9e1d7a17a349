// What the schema-driven fuzz test (test/fuzz-schema.test.ts) found, each held by a test of its
// own that fails on the code before its fix.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compileSpecs } from "../src/render/units.ts";
import { planGeneration } from "../src/generator/plan.ts";

test("a spec with 6,000 problems is located in well under a second per megabyte", () => {
  // 30 tunnels of 200 unix-socket SOCKS forwards, each refused (ssh -D takes no socket): 1.8 MB.
  const socket = (t: number, i: number) => `/run/${"s".repeat(240)}-${t}-${i}`;
  const tunnels = Array.from({ length: 30 }, (_, t) => ({
    name: `t${t}`,
    server: "relay",
    identity: "/etc/tunnelc/keys/k",
    forwards: Array.from({ length: 200 }, (_, i) => ({ dynamic: socket(t, i) })),
  }));
  const text = JSON.stringify({ tunnels }, null, 2);
  const started = performance.now();
  const r = compileSpecs([{ file: "many.json", text }]);
  const ms = performance.now() - started;
  assert.equal(r.diagnostics.filter((d) => d.code === "rule/dynamic-unix").length, 6000);
  const last = r.diagnostics.at(-1)!;
  assert.equal(
    last.location.line,
    text.slice(0, text.lastIndexOf(socket(29, 199))).split("\n").length,
  );
  assert.match(last.frame ?? "", /s{20}/);
  // Before: every problem scanned the whole text for its line and split it for its frame (10 s).
  assert.ok(ms < 3000, `${Math.round(ms)} ms to locate 6,000 problems in ${text.length} bytes`);
});

test("a one-line spec's code frames are bounded and point at the problem, however far in", () => {
  // Minified: 512 refused SOCKS sockets on one line of 150 kB.
  const socket = (i: number) => `/run/${"s".repeat(270)}-${i}`;
  const text = JSON.stringify({
    tunnels: Array.from({ length: 2 }, (_, t) => ({
      name: `t${t}`,
      server: "relay",
      identity: "/etc/tunnelc/keys/k",
      forwards: Array.from({ length: 256 }, (_, i) => ({ dynamic: socket(t * 256 + i) })),
    })),
  });
  const r = compileSpecs([{ file: "min.json", text }]);
  const found = r.diagnostics.filter((d) => d.code === "rule/dynamic-unix");
  assert.equal(found.length, 512);
  for (const d of found) {
    const [source, carets] = (d.frame ?? "").split("\n") as [string, string];
    // Before: the caret line was led by as many spaces as the column: 150 kB a frame here, and
    // a minified spec of a few megabytes with thousands of problems ran out of memory.
    assert.ok(source.length < 200 && carets.length < 200, `a frame of ${d.frame?.length} chars`);
    const at = carets.indexOf("^");
    assert.equal(
      source.slice(at, at + 10),
      text.slice(d.location.column - 1, d.location.column + 9),
    );
  }
});

test("the generator makes a fleet of 4,000 broken tunnels' units in well under its boot timeout", () => {
  // Each tunnel lacks an identity (rule/no-identity): 4,000 units that report the errors.
  const text = JSON.stringify({
    tunnels: Array.from({ length: 4000 }, (_, i) => ({
      name: `t${i}`,
      server: "relay",
      forwards: [{ remote: 2000 + i, to: 22 }],
    })),
  });
  const started = performance.now();
  const plan = planGeneration(
    [{ dir: "/etc/tunnelc", specs: [{ file: "/etc/tunnelc/fleet.json", text }] }],
    { user: false, normalDir: "/run/systemd/generator" },
  );
  const ms = performance.now() - started;
  assert.equal(plan.files.filter((f) => f.path.endsWith(".service")).length, 4000);
  // Before: each broken unit hashed the whole spec and formatted all its errors again (22 s).
  assert.ok(ms < 5000, `${Math.round(ms)} ms for 4,000 broken units`);
});
