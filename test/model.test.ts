// The model stage: positions are worked out only for specs with problems, and the commands that
// need only the tunnels (doctor, relay, ssh-config, uninstall SPEC, validate…) render no unit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { buildModel } from "../src/model/build-model.ts";
import { positionTreesBuilt } from "../src/specfile/locate.ts";
import { unitsRendered } from "../src/render/units.ts";
import { runRelay, runSshConfig } from "../src/commands/relay.ts";
import { unitNames } from "../src/commands/uninstall.ts";
import { runValidate } from "../src/commands/validate.ts";
import { ROOT } from "./helpers/paths.ts";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICrEM716nxe4LfvKB6vD0AJ/7XlaayCe0GE1zFcdYHA3";

function fleet(n: number, extra: Record<string, unknown> = {}): string {
  const tunnels = Array.from({ length: n }, (_, i) => ({
    name: `d${i}`,
    identity: `/etc/tunnelc/keys/d${i}`,
    publicKey: KEY.replace("A3", `${i}`.padStart(2, "0")),
    forwards: [{ remote: 10000 + i, to: 22 }],
    ...extra,
  }));
  const defaults = { server: "phonehome@relay.example.net" };
  return JSON.stringify({ defaults, tunnels }, null, 2);
}

/** Position trees built while f runs. */
function treesBuiltBy(f: () => void): number {
  const before = positionTreesBuilt();
  f();
  return positionTreesBuilt() - before;
}

test("a good 1,000-tunnel fleet never builds a position tree", () => {
  const built = treesBuiltBy(() => {
    const model = buildModel([{ file: "fleet.json", text: fleet(1000) }]);
    assert.equal(model.ok, true, JSON.stringify(model.diagnostics.slice(0, 3)));
    assert.equal(model.tunnels.length, 1000);
    assert.deepEqual(model.problems, []);
  });
  assert.equal(built, 0);
});

test("a spec with three problems builds its position tree once", () => {
  const text = fleet(3, { hostKeyPolicy: "pinned" });
  const built = treesBuiltBy(() => {
    const model = buildModel([
      { file: "good.json", text: fleet(2) },
      { file: "bad.json", text },
    ]);
    const errors = model.diagnostics.filter((d) => d.code === "rule/pinned-without-keys");
    assert.equal(errors.length, 3);
    assert.ok(errors.every((d) => d.location.file === "bad.json" && d.location.line > 1));
  });
  assert.equal(built, 1);
});

test("problems are recorded by pointer, with their origin, before they are located", () => {
  const model = buildModel([{ file: "x.json", text: fleet(2, { user: "nobody" }) }]);
  assert.deepEqual(
    model.problems.map((p) => [p.file, p.pointer, p.code]),
    [
      ["x.json", "/tunnels/0/user", "rule/user-nobody"],
      ["x.json", "/tunnels/1/user", "rule/user-nobody"],
    ],
  );
  assert.deepEqual(
    model.tunnels.map((t) => [t.file, t.specName, t.pointer]),
    [
      ["x.json", "x.json", "/tunnels/0"],
      ["x.json", "x.json", "/tunnels/1"],
    ],
  );
});

test("the spec's form is decided once, and kept in the model", () => {
  const forms = buildModel([
    { file: "s.json", text: '{"localUser":"u","remoteHostname":"h","remoteUser":"r"}' },
    { file: "t.json", text: '{"name":"t","server":"h","user":"u","forwards":[{"dynamic":1080}]}' },
    { file: "f.json", text: fleet(1) },
  ]).specs.map((s) => s.form);
  assert.deepEqual(forms, ["seed", "tunnel", "fleet"]);
});

test("one tunnel name in two specs is located where the second one writes it", () => {
  const model = buildModel([
    { file: "a.json", text: fleet(1) },
    { file: "b.json", text: fleet(1) },
  ]);
  const [d] = model.diagnostics.filter((x) => x.code === "rule/duplicate-name");
  assert.equal(d?.location.file, "b.json");
  assert.equal(d?.location.pointer, "/tunnels/0/name");
  assert.deepEqual([d?.location.line, d?.location.column], [7, 15]);
});

test("relay, ssh-config, uninstall SPEC and validate render no unit", () => {
  const dir = mkdtempSync(join(tmpdir(), "tunnelc-model-"));
  const spec = join(dir, "fleet.json");
  writeFileSync(spec, fleet(3));
  const before = unitsRendered();
  assert.match(runRelay({ specs: [spec], json: false }).stdout, /permitlisten="localhost:10000"/);
  assert.match(runRelay({ specs: [spec], sshdConfig: true, json: false }).stdout, /^Match User /m);
  assert.match(runSshConfig({ specs: [spec], json: false }).stdout, /^Host d2$/m);
  assert.deepEqual(unitNames([spec]), ["d0", "d1", "d2"]);
  assert.equal(runValidate({ specs: [spec], json: false }).exitCode, 0);
  assert.equal(unitsRendered() - before, 0);
});

/**
 * The src/ files a module loads, directly or through others. `import type` is left out: the
 * build erases it, so it loads nothing (the gatherer names the generator's reader's result type).
 */
function importGraph(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const m of readFileSync(file, "utf8").matchAll(
    /^import (?!type )[^;]*?from "(\.{1,2}\/[^"]+\.ts)"/gms,
  ))
    importGraph(join(dirname(file), m[1]!), seen);
  return seen;
}

// uninstall is checked above at run time: it imports install.ts for its options.
for (const command of ["doctor", "relay", "validate", "trust", "keygen", "init"]) {
  test(`${command} does not import src/render`, () => {
    const reached = [...importGraph(join(ROOT, "src", "commands", `${command}.ts`))]
      .map((f) => relative(ROOT, f))
      .filter((f) => f.startsWith(join("src", "render")));
    assert.deepEqual(reached, []);
  });
}
