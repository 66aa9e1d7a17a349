// The relay's and the laptop's ends as golden files: test/golden-ends/<case>/spec.json →
// authorized_keys, sshd_config.conf, sysctl.conf, ssh_config (UPDATE_GOLDEN=1 rewrites). Fleets: defaults,
// allocated ports that stay put, --only.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileSpecs } from "../src/render/units.ts";
import { unitsWithTunnels } from "./helpers/unit-tunnels.ts";
import { authorizedKeys, relaySysctl, sshdConfig } from "../src/ends/relay.ts";
import { sshConfig } from "../src/ends/ssh-config.ts";
import { allocatePorts } from "../src/model/ports.ts";
import { assertGoldenDir } from "./helpers/golden.ts";
import { ROOT } from "./helpers/paths.ts";
import { tunnelc } from "./helpers/run-cli.ts";

const DIR = join(ROOT, "test", "golden-ends");

for (const name of readdirSync(DIR).sort()) {
  test(`ends golden: ${name}`, () => {
    const r = compileSpecs([
      { file: "spec.json", text: readFileSync(join(DIR, name, "spec.json"), "utf8") },
    ]);
    assert.ok(r.ok, JSON.stringify(r.diagnostics));
    const model = r.model;
    const keys = new Map(
      model.tunnels.map(({ tunnel: t }) => [t.name, t.publicKey!.split(" ").slice(0, 2).join(" ")]),
    );
    assertGoldenDir(
      join(DIR, name),
      {
        authorized_keys: authorizedKeys(model, keys),
        "sshd_config.conf": sshdConfig(model),
        "sysctl.conf": relaySysctl(),
        ssh_config: sshConfig(model),
        "units.txt": unitsWithTunnels(r)
          .map(
            (u) =>
              `${u.fileName}: ${u.tunnel.forwards.map((f) => (f.kind === "dynamic" ? "" : `${f.kind} ${JSON.stringify(f.bind)}`)).join(", ")}\n`,
          )
          .join(""),
      },
      (f) => f !== "spec.json",
    );
  });
}

const range = { from: 20000, to: 20999 };
const req = (names: string[]) =>
  names.map((n) => ({ key: `${n}/0`, seed: `${n}/0`, relay: "r:22" }));

test("allocated ports stay put when devices are added or removed", () => {
  const names = Array.from({ length: 40 }, (_, i) => `device-${i}`);
  const all = allocatePorts(req(names), range, new Map()) as Map<string, number>;
  const fewer = allocatePorts(req(names.filter((_, i) => i % 3 !== 0)), range, new Map()) as Map<
    string,
    number
  >;
  const more = allocatePorts(req([...names, "new-1", "new-2", "new-3"]), range, new Map()) as Map<
    string,
    number
  >;
  const moved = (m: Map<string, number>) =>
    [...m].filter(([k, p]) => all.get(k) !== undefined && all.get(k) !== p).map(([k]) => k);
  assert.deepEqual(moved(fewer), []);
  assert.ok(moved(more).length <= 1, `moved: ${moved(more).join(", ")}`);
  assert.equal(new Set(all.values()).size, 40, "no two devices share a port");
});

test("explicit ports are never handed out; an exhausted range is refused", () => {
  const taken = new Map([["r:22", new Set([20000, 20001])]]);
  const got = allocatePorts(req(["a", "b", "c"]), { from: 20000, to: 20004 }, taken) as Map<
    string,
    number
  >;
  assert.ok([...got.values()].every((p) => p >= 20002));
  assert.ok(
    !(allocatePorts(req(["a", "b", "c", "d"]), { from: 20000, to: 20004 }, taken) instanceof Map),
  );
});

test("two devices binding the same relay port are refused, where the clash was written", () => {
  const text = JSON.stringify({
    defaults: {
      server: { host: "relay" },
      identity: "/etc/tunnelc/keys/device",
      forwards: [{ remote: 2222, to: "localhost:22" }],
    },
    tunnels: [{ name: "a" }, { name: "b" }],
  });
  const r = compileSpecs([{ file: "f.json", text }]);
  assert.equal(r.ok, false);
  assert.match(r.diagnostics[0]!.message, /2222 is already bound on server relay:22/);
  assert.equal(
    r.diagnostics[0]!.location.pointer,
    "/defaults/forwards/0/remote",
    "the field came from defaults",
  );
});

test('"auto" without a range, or on a local forward, is refused', () => {
  const r = compileSpecs([
    {
      file: "f.json",
      text: JSON.stringify({
        tunnels: [
          {
            name: "a",
            server: { host: "h" },
            identity: "/etc/tunnelc/keys/a",
            forwards: [
              { remote: "auto", to: "localhost:22" },
              { local: "auto", to: "x:1" },
            ],
          },
        ],
      }),
    },
  ]);
  assert.deepEqual(
    r.diagnostics.map((d) => d.message),
    [
      '"auto" needs a "ports": { "from", "to" } range beside "tunnels"',
      '"auto" allocates relay ports: only remote forwards take it',
    ],
  );
});

test("compile --only and relay --only pick one device of a fleet", () => {
  const spec = join(DIR, "fleet", "spec.json");
  const one = tunnelc(["compile", spec, "--only", "pi-garage"]);
  assert.equal(one.status, 0, one.stderr);
  assert.match(one.stdout, /^# tunnelc-spec: spec\.json$/m);
  assert.match(one.stdout, /Description=SSH tunnel pi-garage /);
  assert.doesNotMatch(one.stdout, /pi-kitchen/);
  const keys = tunnelc(["relay", spec, "--only", "pi-garage"]);
  assert.equal(keys.stdout.split("\n").filter((l) => l.startsWith("restrict")).length, 1);
  assert.equal(tunnelc(["compile", spec, "--only", "nope"]).status, 2);
});

test("--only renders one unit of a big fleet, still checks all of it, and names at most 20 of the others", () => {
  const tunnels = Array.from({ length: 30 }, (_, i) => ({
    name: `d${i}`,
    identity: `/etc/tunnelc/keys/d${i}`,
    forwards: [{ remote: "auto", to: "localhost:22" }],
  }));
  const ports = { from: 20000, to: 20999 };
  const text = JSON.stringify({ defaults: { server: { host: "relay" } }, ports, tunnels });
  const picked = compileSpecs([{ file: "f.json", text }], (t) => t.name === "d7");
  assert.ok(picked.ok);
  assert.deepEqual(
    picked.units.map((u) => u.name),
    ["d7"],
  );
  assert.equal(picked.model.tunnels.length, 30, "the whole fleet is the model");
  // The same unit as rendering the whole fleet: its port comes from the whole fleet.
  const whole = compileSpecs([{ file: "f.json", text }]);
  assert.equal(picked.units[0]!.text, whole.units.find((u) => u.name === "d7")!.text);
  // Another device's mistake still stops it: the fleet is checked whole.
  const broken = JSON.stringify({
    defaults: { server: { host: "relay" } },
    ports,
    tunnels: [...tunnels.slice(0, 29), { ...tunnels[29], forwards: [{ remote: 99999 }] }],
  });
  assert.equal(compileSpecs([{ file: "f.json", text: broken }], (t) => t.name === "d7").ok, false);
  const dir = mkdtempSync(join(tmpdir(), "tunnelc-only-"));
  writeFileSync(join(dir, "f.json"), text);
  const none = tunnelc(["compile", join(dir, "f.json"), "--only", "nope"]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /they have d0, d1, .*, d19 and 10 more\)/);
});

test("two devices with one key are refused: sshd would give both the first one's ports", () => {
  const f = join(mkdtempSync(join(tmpdir(), "tunnelc-ends-")), "same.json");
  const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICrEM716nxe4LfvKB6vD0AJ/7XlaayCe0GE1zFcdYHA3";
  writeFileSync(
    f,
    JSON.stringify({
      defaults: { server: { host: "r", user: "fleet" }, publicKey: key, identity: "/k/device" },
      tunnels: [
        { name: "a", forwards: [{ remote: 2001, to: "localhost:22" }] },
        { name: "b", forwards: [{ remote: 2002, to: "localhost:22" }] },
      ],
    }),
  );
  const r = tunnelc(["relay", f]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /b has the same key as a on relay account fleet/);
});

test("relay without a public key names the tunnel and exits 1", () => {
  const r = tunnelc(["relay", join(ROOT, "docs", "examples", "office.json")]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /office-db: set publicKey/);
});

test("a device's publicKey does not change its unit", () => {
  const spec = (key: string) =>
    JSON.stringify({
      name: "a",
      publicKey: key,
      server: { host: "h" },
      identity: "/etc/tunnelc/keys/a",
      forwards: [{ remote: 2001, to: "localhost:22" }],
    });
  const one = compileSpecs([
    {
      file: "a.json",
      text: spec(
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICrEM716nxe4LfvKB6vD0AJ/7XlaayCe0GE1zFcdYHA3",
      ),
    },
  ]);
  const two = compileSpecs([
    {
      file: "a.json",
      text: spec(
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFWrf6tyaYUxabd9D68uait1bWMs5tmSFCN7VCIT1ocP",
      ),
    },
  ]);
  assert.equal(one.units[0]!.text, two.units[0]!.text);
});

test("relay --sshd-config needs no keys: every tunnel's account gets its block", () => {
  const r = tunnelc(["relay", join(ROOT, "docs", "examples", "office.json"), "--sshd-config"]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(
    [...r.stdout.matchAll(/^Match User (\S+)$/gm)].map((m) => m[1]),
    ["office", "dbtunnel"],
  );
});

test("relay --sysctl prints the sysctl.d file; with --sshd-config it is a usage error", () => {
  const spec = join(ROOT, "docs", "examples", "office.json");
  const r = tunnelc(["relay", spec, "--sysctl"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^net\.ipv4\.tcp_retries2 = 5$/m);
  assert.equal(r.stdout, relaySysctl());
  const both = tunnelc(["relay", spec, "--sysctl", "--sshd-config"]);
  assert.equal(both.status, 2, both.stderr);
  assert.equal(both.stdout, "");
});
