// The field "documentation" (Documentation=), added by the recipe of docs/architecture.md "How to
// add a field": what systemd reads back is what the spec says, and what it would not take is
// refused at its place.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildModel } from "../src/model/build-model.ts";
import { compileSpecs } from "../src/render/units.ts";
import { needs } from "./helpers/prereq.ts";
import {
  hasSystemdAnalyze,
  hasSystemdTest,
  systemdDump,
  verifyUnits,
  withUnitDir,
} from "./helpers/systemd.ts";
import { join } from "node:path";

const spec = (documentation: unknown) =>
  JSON.stringify({
    name: "doc",
    server: "me@192.0.2.1",
    identity: "/etc/tunnelc/keys/doc",
    ...(documentation !== undefined && { documentation }),
    forwards: [{ remote: 2222, to: "localhost:22" }],
  });

const GOOD: string[][] = [
  ["https://wiki.example.net/tunnels#doc"],
  ["man:tunnelc(1)", "man:ssh(1)"],
  ["https://wiki.example.net/a%20b?x=%i"],
  ["file:/usr/share/doc/tunnelc/README.md", "info:ssh", "http://192.0.2.1/runbook"],
];

for (const urls of GOOD) {
  test(`documentation ${urls.join(" ")}: systemd reads back exactly these`, (t) => {
    if (!needs(t, "systemd --test (setpriv, systemd)", hasSystemdTest())) return;
    if (!needs(t, "systemd-analyze", hasSystemdAnalyze())) return;
    const r = compileSpecs([{ file: "doc.json", text: spec(urls) }]);
    assert.ok(r.ok, JSON.stringify(r.diagnostics));
    withUnitDir({ "doc.service": r.units[0]!.text }, (dir) => {
      // The unit's own lines: systemd lists Documentation: before its Fragment Path:.
      const block =
        systemdDump(dir, ["doc.service"])
          .split("-> Unit doc.service:\n")[1]
          ?.split("Fragment Path:")[0] ?? "";
      const read = [...block.matchAll(/^\t\tDocumentation: (.*)$/gm)].map((m) => m[1]);
      assert.deepEqual(read, urls);
      const v = verifyUnits([join(dir, "doc.service")]);
      assert.ok(v.ok, v.output);
    });
  });
}

test("without documentation, the unit has no Documentation= line (and its bytes do not change)", () => {
  const r = compileSpecs([{ file: "doc.json", text: spec(undefined) }]);
  assert.ok(r.ok);
  assert.doesNotMatch(r.units[0]!.text, /Documentation=/);
});

const BAD: [unknown, string][] = [
  [["javascript:alert(1)"], "/documentation/0"],
  [["https://a b"], "/documentation/0"],
  [["man:x\nExecStart=/bin/sh"], "/documentation/0"],
  [['https://x"'], "/documentation/0"],
  [["https://x\\"], "/documentation/0"],
  [[], "/documentation"],
  [["man:a", "man:a"], "/documentation"],
  ["man:a", "/documentation"],
];
for (const [value, pointer] of BAD) {
  test(`documentation ${JSON.stringify(value)} is refused at ${pointer}`, () => {
    const m = buildModel([{ file: "doc.json", text: spec(value) }]);
    assert.equal(m.ok, false);
    assert.ok(
      m.diagnostics.some((d) => d.severity === "error" && d.location.pointer === pointer),
      JSON.stringify(m.diagnostics.map((d) => [d.location.pointer, d.message])),
    );
  });
}
