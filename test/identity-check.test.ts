import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { identityQueries, identityWarnings } from "../src/install/identity-check.ts";
import { gathererFor } from "../src/edge/read.ts";
import type { Tunnel } from "../src/model/tunnel.ts";

const dir = mkdtempSync(join(tmpdir(), "tunnelc-key-"));
const tunnel = (identity: string) => ({ identity }) as Tunnel;
/** The warnings, with the modes read by the gatherer from the real files. */
const warn = (ts: Tunnel[]) => identityWarnings(ts, gathererFor().gather(identityQueries(ts)));

const CASES: [string, number | null, RegExp | null][] = [
  ["private key", 0o600, null],
  ["owner read-only", 0o400, null],
  ["group-readable", 0o640, /readable by its group \(mode 0640\): chmod 600/],
  ["world-readable", 0o644, /readable by everyone \(mode 0644\)/],
  ["missing", null, /does not exist/],
];

for (const [name, mode, expected] of CASES) {
  test(`identity check: ${name}`, () => {
    const path = join(dir, name.replace(/\W/g, "-"));
    if (mode !== null) {
      writeFileSync(path, "key");
      chmodSync(path, mode);
    }
    const warnings = warn([tunnel(path)]);
    if (expected === null) assert.deepEqual(warnings, []);
    else {
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, expected);
    }
  });
}

test("one warning per key file, however many tunnels use it", () => {
  const path = join(dir, "shared");
  writeFileSync(path, "key");
  chmodSync(path, 0o644);
  assert.equal(warn([tunnel(path), tunnel(path)]).length, 1);
});

test("nss-systemd: a warning only for dynamic accounts on a system without it", async () => {
  const { nssQuery, nssWarning: warning } = await import("../src/install/nss-check.ts");
  const nssWarning = (ts: Tunnel[], f: string) =>
    warning(ts, gathererFor().gather([nssQuery(f)]), f);
  const without = join(dir, "nsswitch-files");
  writeFileSync(without, "passwd:         files\ngroup:          files\n");
  const withIt = join(dir, "nsswitch-systemd");
  writeFileSync(withIt, "passwd:         files systemd\ngroup:          files systemd\n");
  const dynamic = { name: "d", scope: "system" } as Tunnel;
  const named = { name: "n", scope: "system", user: "tunnel" } as Tunnel;
  assert.match(
    nssWarning([dynamic, named], without) ?? "",
    /^d runs as a dynamic account \(DynamicUser=\), which needs nss-systemd/,
  );
  assert.equal(nssWarning([dynamic], withIt), undefined);
  assert.equal(nssWarning([named], without), undefined);
});
