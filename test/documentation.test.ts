// The field "documentation" (Documentation=), added by the recipe of docs/architecture.md "How to
// add a field": what systemd reads back is what the spec says, then ssh's manual (every unit has
// Documentation=), and what it would not take is refused at its place.
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

const OURS = ["https://man.openbsd.org/ssh.1"];
/** The spec's documentation (none: undefined), and what systemd must read back. */
const GOOD: [string[] | undefined, string[]][] = [
  [undefined, OURS],
  [
    ["info:ssh", ...OURS],
    ["info:ssh", ...OURS],
  ],
  [["https://wiki.example.net/tunnels#doc"], ["https://wiki.example.net/tunnels#doc", ...OURS]],
  [
    ["man:tunnelc(1)", "man:ssh(1)"],
    ["man:tunnelc(1)", "man:ssh(1)", ...OURS],
  ],
  [
    ["man:ssh(1)", "info:ssh"],
    ["man:ssh(1)", "info:ssh", ...OURS],
  ],
  [["https://wiki.example.net/a%20b?x=%i"], ["https://wiki.example.net/a%20b?x=%i", ...OURS]],
  [
    ["file:/usr/share/doc/tunnelc/README.md", "info:ssh", "http://192.0.2.1/runbook"],
    ["file:/usr/share/doc/tunnelc/README.md", "info:ssh", "http://192.0.2.1/runbook", ...OURS],
  ],
];

for (const [urls, expected] of GOOD) {
  test(`documentation ${urls?.join(" ") ?? "(none)"}: systemd reads back ${expected.join(" ")}`, (t) => {
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
      assert.deepEqual(read, expected);
      const v = verifyUnits([join(dir, "doc.service")]);
      assert.ok(v.ok, v.output);
    });
  });
}

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
