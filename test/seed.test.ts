// The seed form compiles to what the NixOS ssh-phone-home module ran, and more:
//   ssh -NTC -o ServerAliveInterval=60 -o ExitOnForwardFailure=yes -R 2222:localhost:22 -l u -p 22 host
import { test } from "node:test";
import assert from "node:assert/strict";
import { compileSpecs } from "../src/render/units.ts";
import { unitsWithTunnels } from "./helpers/unit-tunnels.ts";
import { sshCommandLine } from "../src/render/ssh-argv.ts";
import { expandWords } from "../src/unit/command-line.ts";

const SEED = {
  enable: true,
  localUser: "u",
  remoteHostname: "ssh.example.net",
  remotePort: 22,
  remoteUser: "u",
  bindPort: 2222,
};

function seedUnit(spec: object) {
  const r = compileSpecs([{ file: "seed.json", text: JSON.stringify(spec) }]);
  assert.equal(r.ok, true, JSON.stringify(r.diagnostics));
  return unitsWithTunnels(r)[0]!;
}

test("the seed compiles to ssh-phone-home.service", () => {
  assert.equal(seedUnit(SEED).fileName, "ssh-phone-home.service");
});

test("the seed's argv carries every flag of the NixOS command, host after --", () => {
  const argv = expandWords(sshCommandLine(seedUnit(SEED).tunnel), {});
  const nixos = [
    "-N",
    "-T",
    "-C",
    "-o",
    "ServerAliveInterval=60",
    "-o",
    "ExitOnForwardFailure=yes",
    "-R",
    "2222:localhost:22",
    "-l",
    "u",
    "-p",
    "22",
  ];
  for (let i = 0; i < nixos.length; i++) {
    const flag = nixos[i]!;
    if (flag === "-o" || flag === "-R" || flag === "-l" || flag === "-p") {
      const at = argv.findIndex((a, j) => a === flag && argv[j + 1] === nixos[i + 1]);
      assert.ok(at >= 0, `${flag} ${nixos[i + 1]} in ${argv.join(" ")}`);
      i++;
    } else assert.ok(argv.includes(flag), `${flag} in ${argv.join(" ")}`);
  }
  assert.deepEqual(argv.slice(-2), ["--", "ssh.example.net"]);
  assert.equal(argv[0], "/usr/bin/ssh");
});

test("the seed's unit adds what the module lacked", () => {
  const text = seedUnit(SEED).text;
  for (const line of [
    "BindsTo=network.target",
    "After=network-online.target network.target",
    "Wants=network-online.target",
    "Restart=on-failure",
    "RestartSec=10",
    "User=u",
    "WantedBy=multi-user.target",
  ]) {
    assert.match(text, new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
  }
  for (const option of ["BatchMode=yes", "StrictHostKeyChecking=yes", "ServerAliveCountMax=3"]) {
    assert.match(text, new RegExp(`-o ${option}`));
  }
});

test("seed defaults: remotePort 22 and bindPort 2222, as in the module", () => {
  const { tunnel } = seedUnit({
    localUser: "u",
    remoteHostname: "h.example",
    remoteUser: "r",
  });
  assert.equal(tunnel.server.port, 22);
  assert.deepEqual(tunnel.forwards, [
    {
      kind: "remote",
      bind: { kind: "tcp", port: 2222 },
      to: { kind: "tcp", address: "localhost", port: 22 },
    },
  ]);
});

test("a spec with enable: false compiles to nothing, with a warning", () => {
  const r = compileSpecs([{ file: "seed.json", text: JSON.stringify({ ...SEED, enable: false }) }]);
  assert.equal(r.ok, true);
  assert.equal(r.units.length, 0);
  assert.equal(r.diagnostics[0]?.severity, "warning");
});
