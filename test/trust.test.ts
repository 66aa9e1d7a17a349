// tunnelc trust with a recorded ssh-keyscan (the real one runs against the real sshd in e2e).
import { edgeOf } from "../src/edge/edge.ts";
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, statSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTrust } from "../src/commands/trust.ts";
import { fingerprint, parseKeyscan } from "../src/trust/keyscan.ts";
import { compileSpecs } from "../src/render/units.ts";
import type { Runner } from "../src/edge/systemctl.ts";
import { SpecError, SystemError } from "../src/errors.ts";
import { hasTool, needs } from "./helpers/prereq.ts";

const ED = "AAAAC3NzaC1lZDI1NTE5AAAAICrEM716nxe4LfvKB6vD0AJ/7XlaayCe0GE1zFcdYHA3";
const EC =
  "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBP2gNlB6O4NyO1HGC3kYutliHwg5CeLBH9gLIOzaqz0WSGoQgXs9al1agqaPMQpNKOt3RWkJVfj9HCTuwjJ8Hog=";
const SCAN = `# relay.example.net:22 SSH-2.0-OpenSSH_9.2p1\nrelay.example.net ssh-ed25519 ${ED}\nrelay.example.net ecdsa-sha2-nistp256 ${EC}\n`;

class Keyscan implements Runner {
  calls: string[][] = [];
  constructor(private readonly out = SCAN) {}
  run(argv: string[]) {
    this.calls.push(argv);
    return { status: 0, stdout: this.out, stderr: "" };
  }
}

test("fingerprints match ssh-keygen -l", (t) => {
  if (!needs(t, "ssh-keygen", hasTool("sh", ["-c", "command -v ssh-keygen"]))) return;
  const pub = join(mkdtempSync(join(tmpdir(), "tunnelc-fp-")), "k.pub");
  writeFileSync(pub, `ssh-ed25519 ${ED}\n`);
  const expected = execFileSync("ssh-keygen", ["-lf", pub], { encoding: "utf8" }).split(" ")[1];
  assert.equal(fingerprint(ED), expected);
});

test("keyscan output: comments ignored, keys deduplicated and sorted", () => {
  const keys = parseKeyscan(SCAN + SCAN);
  assert.deepEqual(
    keys.map((k) => k.type),
    ["ecdsa-sha2-nistp256", "ssh-ed25519"],
  );
});

function specFile(text: string) {
  const f = join(mkdtempSync(join(tmpdir(), "tunnelc-trust-")), "spec.json");
  writeFileSync(f, text);
  chmodSync(f, 0o640);
  return f;
}

const COMMENTED = `// my tunnels
{
    "tunnels": [
        /* the office */
        { "name": "a", "server": { "host": "relay.example.net" }, "identity": "/k/a", "forwards": [{ "remote": 2222, "to": "localhost:22" }] },
        {
            "name": "b",
            "hostKeyPolicy": "pinned", // pinned, keys to come
            "server": { "host": "relay.example.net", "port": 2200 },
            "identity": "/k/b",
            "forwards": [{ "remote": 2223, "to": "localhost:22" }]
        }
    ]
}
`;

test("trust pins the keys, keeps comments and layout, and the spec then compiles pinned", () => {
  const f = specFile(COMMENTED);
  const runner = new Keyscan();
  const out = runTrust({ spec: f, dryRun: false, json: false }, edgeOf({ runner: runner }));
  assert.deepEqual(runner.calls, [
    ["ssh-keyscan", "-T", "5", "-p", "22", "--", "relay.example.net"],
    ["ssh-keyscan", "-T", "5", "-p", "2200", "--", "relay.example.net"],
  ]);
  assert.match(
    out.stdout,
    new RegExp(`${fingerprint(ED).replace(/[+/]/g, "\\$&")} \\(ssh-ed25519\\)`),
  );
  const text = readFileSync(f, "utf8");
  for (const kept of [
    "// my tunnels",
    "/* the office */",
    "// pinned, keys to come",
    '        {\n            "name": "b",',
  ]) {
    assert.ok(text.includes(kept), `kept: ${kept}`);
  }
  assert.equal(statSync(f).mode & 0o777, 0o640, "file mode kept");
  const r = compileSpecs([{ file: "spec.json", text }]);
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  assert.deepEqual(
    r.model.tunnels.map((t) => t.tunnel.hostKeyPolicy),
    ["pinned", "pinned"],
  );
  assert.match(
    r.units[1]!.text,
    /^StandardInputText=ssh-known-hosts \[relay\.example\.net\]:2200 ecdsa-sha2-nistp256 /m,
  );
});

test("trust --dry-run changes nothing; --only picks one tunnel", () => {
  const f = specFile(COMMENTED);
  const runner = new Keyscan();
  runTrust({ spec: f, only: "b", dryRun: true, json: false }, edgeOf({ runner: runner }));
  assert.equal(runner.calls.length, 1);
  assert.equal(readFileSync(f, "utf8"), COMMENTED);
});

test("a hostKeyPolicy of yes becomes pinned", () => {
  const f = specFile(
    '{ "name": "a", "hostKeyPolicy": "yes", "server": { "host": "h" }, "identity": "/k/a", "forwards": [{ "dynamic": 1080 }] }\n',
  );
  runTrust({ spec: f, dryRun: false, json: false }, edgeOf({ runner: new Keyscan() }));
  assert.match(readFileSync(f, "utf8"), /"hostKeyPolicy": "pinned"/);
});

test("the seed form gets known_hosts lines, and its file is left alone", () => {
  const seed =
    '{ "localUser": "u", "remoteHostname": "relay.example.net", "remotePort": 2022, "remoteUser": "r" }\n';
  const f = specFile(seed);
  const out = runTrust({ spec: f, dryRun: false, json: false }, edgeOf({ runner: new Keyscan() }));
  assert.match(out.stdout, /add these lines to ~u\/\.ssh\/known_hosts/);
  assert.match(
    out.stdout,
    new RegExp(
      `^\\[relay\\.example\\.net\\]:2022 ssh-ed25519 ${ED.replace(/[+/]/g, "\\$&")}$`,
      "m",
    ),
  );
  assert.equal(readFileSync(f, "utf8"), seed);
});

test("no keys found is a system error; a broken spec is a spec error", () => {
  const f = specFile(
    '{ "name": "a", "server": { "host": "h" }, "identity": "/k/a", "forwards": [{ "dynamic": 1080 }] }',
  );
  assert.throws(
    () => runTrust({ spec: f, dryRun: false, json: false }, edgeOf({ runner: new Keyscan("") })),
    SystemError,
  );
  const bad = specFile('{ "name": "a", "server": { "host": "-h" }, "forwards": [] }');
  assert.throws(
    () => runTrust({ spec: bad, dryRun: false, json: false }, edgeOf({ runner: new Keyscan() })),
    SpecError,
  );
});

test("trust pins the jump hosts' keys beside them, and the spec then compiles", () => {
  const f = specFile(
    JSON.stringify(
      {
        name: "j",
        server: { host: "inner.example.net", jump: [{ host: "bastion.example.net", port: 2022 }] },
        identity: "/k/j",
        forwards: [{ remote: 2222, to: "localhost:22" }],
      },
      null,
      2,
    ),
  );
  const runner = new Keyscan();
  const out = runTrust({ spec: f, dryRun: false, json: false }, edgeOf({ runner: runner }));
  assert.deepEqual(runner.calls[1], [
    "ssh-keyscan",
    "-T",
    "5",
    "-p",
    "2022",
    "--",
    "bastion.example.net",
  ]);
  assert.match(out.stdout, /^ {2}jump bastion\.example\.net port 2022$/m);
  const r = compileSpecs([{ file: "spec.json", text: readFileSync(f, "utf8") }]);
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  assert.equal(r.model.tunnels[0]!.tunnel.server.jump[0]!.hostKeys.length, 2);
  assert.match(
    r.units[0]!.text,
    /^StandardInputText=ssh-known-hosts \[bastion\.example\.net\]:2022 ssh-ed25519 /m,
  );
});

test('trust in a fleet with relays pins each relay\'s keys in "relays", once for all its devices', () => {
  const f = specFile(`{
  "relays": { "eu": "fleet@relay.example.net", "us": { "host": "relay.example.net", "port": 2200 } },
  "defaults": { "forwards": [{ "remote": "auto", "to": 22 }] },
  "ports": { "from": 20000, "to": 20099 },
  "tunnels": [
    { "name": "a", "identity": "/k/a" },
    { "name": "b", "identity": "/k/b", "relays": ["us"] }
  ]
}
`);
  const runner = new Keyscan();
  runTrust({ spec: f, dryRun: false, json: false }, edgeOf({ runner }));
  const text = readFileSync(f, "utf8");
  assert.doesNotMatch(text, /"tunnels": \[[\s\S]*"server"/, "no server written into a tunnel");
  const r = compileSpecs([{ file: "spec.json", text }]);
  assert.ok(r.ok, JSON.stringify(r.diagnostics) + text);
  for (const t of r.model.tunnels)
    assert.deepEqual(t.tunnel.server.hostKeys.length, 2, `${t.tunnel.name}: ${text}`);
  const spec = JSON.parse(text) as { relays: Record<string, { user?: string }> };
  assert.equal(spec.relays.eu!.user, "fleet", "the string form became its object");
  // --only with a device's name takes its tunnels to every relay.
  const again = new Keyscan();
  runTrust({ spec: f, only: "a", dryRun: true, json: false }, edgeOf({ runner: again }));
  assert.equal(again.calls.length, 2);
});
