// The forms people write: "[user@]host[:port]" strings for server and jump hosts (one reader,
// parseHop, shared with init --server), ports as digits, and what "~" in identity gets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseHop, parseJumpText } from "../src/specfile/endpoint.ts";
import { compileSpecs } from "../src/render/units.ts";
import { formatDiagnostic } from "../src/report.ts";
import { pinJumpKeys, pinKeys } from "../src/trust/edit-spec.ts";

const GOOD: [string, unknown][] = [
  ["relay.example.net", { host: "relay.example.net" }],
  ["me@relay.example.net", { host: "relay.example.net", user: "me" }],
  ["me@relay.example.net:2222", { host: "relay.example.net", port: 2222, user: "me" }],
  ["relay:22", { host: "relay", port: 22 }],
  ["[2001:db8::1]:2222", { host: "[2001:db8::1]", port: 2222 }],
  ["me@[::1]", { host: "[::1]", user: "me" }],
  ["a@b@host", { host: "host", user: "a@b" }],
  ["10.0.0.1:65535", { host: "10.0.0.1", port: 65535 }],
  ["host.", { host: "host." }],
];
for (const [text, hop] of GOOD) {
  test(`hop: ${text}`, () => assert.deepEqual(parseHop(text), { ok: true, hop }));
}

const BAD: [string, RegExp][] = [
  ["", /it is empty/],
  ["me@", /the host is missing/],
  ["relay:0", /the port "0" is not a port: ports are 1-65535/],
  ["relay:65536", /the port "65536"/],
  ["relay:022", /the port "022"/],
  ["relay:", /the port ""/],
  ["relay:ssh", /the port "ssh"/],
  ["2001:db8::1", /an IPv6 address goes in brackets/],
  ["-oProxyCommand=id", /starts with "-"/],
  ["me@-host", /the host "-host"/],
  ["-me@host", /starts with "-"/],
  ["m e@host", /space or control character/],
  ["me;id@host", /the user "me;id"/],
  ["host/x", /the host "host\/x"/],
  ["[::1", /IPv6 address goes in brackets/],
  ["a\nb", /control character/],
];
for (const [text, why] of BAD) {
  test(`hop refused: ${JSON.stringify(text)}`, () => {
    const r = parseHop(text);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.message, why);
  });
}

test("jump lists split at commas, and name the bad hop", () => {
  assert.deepEqual(parseJumpText("a@b:2222,c"), {
    ok: true,
    hops: [{ host: "b", port: 2222, user: "a" }, { host: "c" }],
  });
  const r = parseJumpText("a,,c");
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.message, /"" is not \[user@\]host\[:port\]: it is empty/);
});

const unitsOf = (text: string) => {
  const r = compileSpecs([{ file: "spec.json", text }]);
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  return r.units.map((u) => u.text);
};
const spec = (server: unknown, extra = "") =>
  `{ "name": "home", "server": ${JSON.stringify(server)}, "identity": "/k/home",${extra} "forwards": [{ "remote": 2222, "to": "localhost:22" }] }`;

const SAME: [string, unknown, unknown][] = [
  [
    "server string",
    "me@relay.example.net:2222",
    { host: "relay.example.net", port: 2222, user: "me" },
  ],
  ["IPv6 server", "[2001:db8::1]:2222", { host: "2001:db8::1", port: 2222 }],
  ["port digits", { host: "relay", port: "2200" }, { host: "relay", port: 2200 }],
  [
    "jump string",
    { host: "relay", jump: "me@bastion:2222,gw" },
    { host: "relay", jump: [{ host: "bastion", port: 2222, user: "me" }, { host: "gw" }] },
  ],
  [
    "jump list",
    { host: "relay", jump: ["me@bastion:2222", { host: "gw", port: "22" }] },
    { host: "relay", jump: [{ host: "bastion", port: 2222, user: "me" }, { host: "gw" }] },
  ],
];
for (const [name, short, long] of SAME) {
  test(`${name} compiles to the same unit as the object form`, () => {
    assert.deepEqual(unitsOf(spec(short)), unitsOf(spec(long)));
  });
}

test("fleet defaults: a server string merges with a tunnel's server fields", () => {
  const fleet = (d: unknown) =>
    `{ "defaults": { "server": ${JSON.stringify(d)}, "identity": "/k/x" }, "tunnels": [{ "name": "a", "server": { "user": "pi" }, "forwards": [{ "remote": 2001, "to": 22 }] }] }`;
  assert.deepEqual(
    unitsOf(fleet("fleet@relay:2222")),
    unitsOf(fleet({ host: "relay", port: 2222, user: "fleet" })).map((u) => u),
  );
  assert.match(unitsOf(fleet("fleet@relay:2222"))[0]!, /-l pi /);
});

const refused = (text: string) => {
  const r = compileSpecs([{ file: "spec.json", text }]);
  assert.equal(r.ok, false);
  return r.diagnostics.map((d) => formatDiagnostic(d)).join("\n");
};

test("a bad server string is located, with parseHop's reason", () => {
  const out = refused(spec("me@relay:99999"));
  assert.match(
    out,
    /^spec\.json:1:29: \/server: "me@relay:99999" is not \[user@\]host\[:port\]: the port "99999" is not a port/m,
  );
  assert.match(
    refused(spec({ host: "r", jump: ["ok", "b@-x"] })),
    /\/server\/jump\/1: "b@-x" is not/,
  );
  assert.match(refused(spec({ host: "r", jump: "a,b:0" })), /\/server\/jump: "b:0" is not/);
});

test('"~" in identity says why not and what to write', () => {
  const out = refused(
    `{ "name": "home", "server": "relay", "identity": "~/.ssh/id_ed25519", "forwards": [{ "dynamic": 1080 }] }`,
  );
  assert.match(
    out,
    /\/identity: "~" is expanded by shells, not by systemd: the unit reads the key by an absolute path/,
  );
  assert.match(out, /"\/home\/USER\/\.ssh\/id_ed25519"/);
});

test("a dynamic account without identity is refused, with the fix", () => {
  const out = refused(`{ "name": "home", "server": "relay", "forwards": [{ "dynamic": 1080 }] }`);
  assert.match(out, /^spec\.json:1:11: \/name: tunnel "home" runs as a dynamic account/m);
  assert.match(out, /run "tunnelc keygen home" and set "identity": "\/etc\/tunnelc\/keys\/home"/);
  // A user unit or a named account has a home with keys.
  for (const extra of ['"scope": "user",', '"user": "tunnel",']) {
    const r = compileSpecs([
      {
        file: "s.json",
        text: `{ "name": "h", "server": "relay", ${extra} "forwards": [{ "dynamic": 1080 }] }`,
      },
    ]);
    assert.ok(r.ok, extra);
  }
});

test("trust pins keys into a server string by writing its object form", () => {
  const text = `{\n  "name": "home",\n  "server": "me@relay:2222",\n  "identity": "/k/home",\n  "forwards": [{ "dynamic": 1080 }]\n}\n`;
  const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICrEM716nxe4LfvKB6vD0AJ/7XlaayCe0GE1zFcdYHA3";
  const out = pinKeys(text, { server: ["server"] }, [key]);
  const r = compileSpecs([{ file: "spec.json", text: out }]);
  assert.ok(r.ok, out);
  const t = r.model.tunnels[0]!.tunnel;
  assert.deepEqual([t.server.host, t.server.port, t.server.user], ["relay", 2222, "me"]);
  assert.deepEqual(t.server.hostKeys, [key]);
  const jumped = pinJumpKeys(
    text.replace('"me@relay:2222"', '{ "host": "relay", "jump": "b:2200" }'),
    ["server"],
    0,
    [key],
  );
  assert.match(jumped, /"jump": \[\s*\{\s*"host": "b",\s*"port": 2200,\s*"hostKeys"/);
});

test("digits for ports work in the seed form and the fleet's range too", () => {
  const seed = (p: unknown) =>
    JSON.stringify({
      localUser: "u",
      remoteHostname: "r",
      remoteUser: "x",
      bindPort: p,
      remotePort: p,
    });
  assert.deepEqual(unitsOf(seed("2200")), unitsOf(seed(2200)));
  const fleet = (from: unknown, to: unknown) =>
    JSON.stringify({
      defaults: { server: "relay", identity: "/k/d", forwards: [{ remote: "auto", to: 22 }] },
      ports: { from, to },
      tunnels: [{ name: "a" }, { name: "b" }],
    });
  assert.deepEqual(unitsOf(fleet("20000", "20010")), unitsOf(fleet(20000, 20010)));
});
