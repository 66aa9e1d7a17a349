// Issue 16 §8: ssh.options values are read against each option's grammar (ssh_config(5)), and
// algorithms OpenSSH itself has turned off are refused. Every value tunnelc accepts is one the
// real `ssh -G` parses; the injections, the stray blanks and the weak algorithms (which ssh 9.2
// still takes) are refused, located at /ssh/options/NAME, through the real CLI too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ALLOWED_SSH_OPTIONS, checkSshOption } from "../src/model/ssh-options.ts";
import { KNOWN_ALGORITHMS, QUERY } from "../src/model/known-algorithms.ts";
import {
  WEAK_ALGORITHMS,
  weakAlgorithm,
  type AlgorithmFamily,
} from "../src/model/weak-algorithms.ts";
import fc from "fast-check";
import { hasTool, needs } from "./helpers/prereq.ts";
import { tunnelc } from "./helpers/run-cli.ts";

type Value = string | number | boolean;

/** Per allowed option: values that must pass, values that must fail (ssh_config(5)). */
const VALUES: Record<string, { pass: Value[]; fail: Value[] }> = {
  AddressFamily: { pass: ["any", "inet", "inet6", "INET6"], fail: ["ipv4", "inet inet6", "inet="] },
  BindAddress: {
    pass: ["192.0.2.1", "0.0.0.0", "::1", "2001:db8::1", "::ffff:192.0.2.1", "fe80::1:2:3:4"],
    fail: [
      "relay.example.net",
      "192.0.2.256",
      "192.0.2.01",
      "::::",
      "1:2:3:4:5:6:7:8:9",
      "fe80::1%eth0",
      "[::1]",
      "192.0.2.1 ProxyCommand=x",
    ],
  },
  BindInterface: {
    pass: ["eth0", "wlan0", "br-lan.10", "enp0s31f6"],
    fail: ["eth0 eth1", "a/b", "x:1", ".", "..", "a".repeat(16), "eth0=x", "$IF"],
  },
  CanonicalizeHostname: {
    pass: ["yes", "no", "always", true, false],
    fail: ["none", "maybe", "yes no"],
  },
  CheckHostIP: { pass: ["yes", "no", true, false], fail: ["ask", "1", "yes=no"] },
  Ciphers: {
    pass: [
      "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com",
      "aes256-ctr",
      "+aes128-ctr",
      "^aes256-gcm@openssh.com",
      "-*-cbc",
      "-3des-cbc,aes128-cbc",
    ],
    fail: [
      "+3des-cbc",
      "aes128-cbc",
      "^aes256-cbc",
      "aes256-ctr,blowfish-cbc",
      "+arcfour256",
      "cast128-cbc",
      "rijndael-cbc@lysator.liu.se",
      "none",
      "+aes*",
      "aes*",
      "aes128-ctr,,aes256-ctr",
      "aes128-ctr,",
      "aes128-ctr aes256-ctr",
      "++aes128-ctr",
      "+-aes128-ctr",
      "!aes128-ctr",
      "aes128-ctrx",
      "AES128-CTR",
    ],
  },
  ConnectionAttempts: { pass: [1, 3, "100"], fail: [0, 101, -1, 1.5, "3 4", "03", "three"] },
  ConnectTimeout: {
    pass: [1, 15, "30", 3600],
    fail: [0, 3601, "10s", "none", "1e3", 2.5, "10 ProxyCommand=x"],
  },
  FingerprintHash: { pass: ["sha256", "md5", "SHA256"], fail: ["sha1", "sha512", "md5 sha256"] },
  HostKeyAlgorithms: {
    pass: [
      "ssh-ed25519,ecdsa-sha2-nistp256",
      "+rsa-sha2-512",
      "^ssh-ed25519-cert-v01@openssh.com",
      "-ssh-rsa*,ssh-dss*",
      "rsa-sha2-512,rsa-sha2-256",
    ],
    fail: [
      "+ssh-dss",
      "ssh-dss",
      "^ssh-dss-cert-v01@openssh.com",
      "+ssh-rsa",
      "ssh-ed25519,ssh-rsa",
      "+ssh-rsa-cert-v01@openssh.com",
      "+ssh-*",
      "ssh-ed25519*",
      "ssh-ed25519 ssh-rsa",
      "ssh-ed448",
    ],
  },
  HostbasedAcceptedAlgorithms: {
    pass: ["ssh-ed25519", "+rsa-sha2-256", "-ssh-dss"],
    fail: ["+ssh-dss", "+ssh-rsa", "+ssh-*"],
  },
  IPQoS: {
    pass: [
      "lowdelay throughput",
      "af21",
      "AF21 cs1",
      "none",
      "ef le",
      "0x10",
      "184 0",
      "reliability",
    ],
    fail: [
      "lowdelay  throughput",
      " lowdelay",
      "lowdelay throughput reliability",
      "256",
      "010",
      "af51",
      "lowdelay=throughput",
    ],
  },
  KexAlgorithms: {
    pass: [
      "curve25519-sha256,diffie-hellman-group14-sha256",
      "+diffie-hellman-group-exchange-sha256",
      "^sntrup761x25519-sha512@openssh.com",
      "-diffie-hellman-group1-sha1,diffie-hellman-group14-sha1",
      "-*sha1",
    ],
    fail: [
      "+diffie-hellman-group1-sha1",
      "diffie-hellman-group14-sha1",
      "^diffie-hellman-group-exchange-sha1",
      "curve25519-sha256,diffie-hellman-group1-sha1",
      ",curve25519-sha256",
      "+*",
      "curve448-sha512",
    ],
  },
  LogLevel: {
    pass: [
      "QUIET",
      "FATAL",
      "ERROR",
      "INFO",
      "VERBOSE",
      "DEBUG",
      "DEBUG1",
      "DEBUG2",
      "DEBUG3",
      "error",
    ],
    fail: [
      "ERROR ProxyCommand=x",
      "ERROR=x",
      "ERROR\nProxyCommand x",
      "DEBUG4",
      "ERROR#x",
      '"ERROR"',
    ],
  },
  MACs: {
    pass: [
      "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com",
      "umac-64-etm@openssh.com",
      "+hmac-sha1",
      "-hmac-md5*,hmac-sha1-96*",
    ],
    fail: [
      "+hmac-md5",
      "hmac-md5-96-etm@openssh.com",
      "^hmac-sha1-96",
      "+hmac-ripemd160",
      "none",
      "hmac-sha2-256 hmac-sha2-512",
      "+hmac-sha3-256",
    ],
  },
  PubkeyAcceptedAlgorithms: {
    pass: ["ssh-ed25519,rsa-sha2-512", "+rsa-sha2-256-cert-v01@openssh.com", "-ssh-rsa"],
    fail: ["+ssh-rsa", "ssh-rsa", "+ssh-dss", "rsa-sha2-512,ssh-rsa-cert-v01@openssh.com"],
  },
  RekeyLimit: {
    pass: [
      "default",
      "default none",
      "1G",
      "512M 1h",
      "1G 1h30m",
      "16",
      "0",
      "4G 3600",
      "100K 10m",
    ],
    fail: [
      "15",
      "none",
      "1T",
      "1.5G",
      "1G  1h",
      "1G 1h 1h",
      "1G 1y",
      "1G 99999999999",
      "9999999999G",
      "1G=1h",
    ],
  },
  RequiredRSASize: { pass: [1024, 2048, "3072", 16384], fail: [512, 0, 16385, "2048 4096"] },
  StreamLocalBindMask: {
    pass: ["0177", "0077", "177", "0", "0777"],
    fail: ["1000", "0o77", "8", "-1", "0177 0", "rw"],
  },
  StreamLocalBindUnlink: { pass: ["yes", "no", true], fail: ["always", "yes no"] },
  TCPKeepAlive: { pass: [true, false, "yes", "no"], fail: ["maybe", "yes=no", ""] },
  UpdateHostKeys: { pass: ["yes", "no", false], fail: ["ask", "always", "yes no"] },
};

const hasSsh = hasTool("ssh", ["-V"]);

/** ssh -G's resolved algorithm lists, by the family of weak-algorithms.ts. */
const RESOLVED: Readonly<Record<string, AlgorithmFamily>> = {
  ciphers: "cipher",
  macs: "mac",
  kexalgorithms: "kex",
  hostkeyalgorithms: "key",
  hostbasedacceptedalgorithms: "key",
  pubkeyacceptedalgorithms: "key",
};

/**
 * ssh's own parse of one -o option (ssh -G: parse and print, nothing sent): whether it takes it,
 * and the algorithms OpenSSH has turned off that the resolved configuration would then offer.
 */
function sshParses(name: string, value: string): { ok: boolean; stderr: string; weak: string[] } {
  const r = spawnSync(
    "ssh",
    ["-G", "-F", "/dev/null", "-o", `${name}=${value}`, "example.invalid"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  const weak = r.stdout.split("\n").flatMap((line) => {
    const [key = "", list = ""] = line.split(" ");
    const family = RESOLVED[key];
    return family ? list.split(",").filter((n) => weakAlgorithm(family, n)) : [];
  });
  return { ok: r.status === 0, stderr: r.stderr, weak };
}

test("the value table covers every allowed option", () => {
  assert.deepEqual(Object.keys(VALUES).sort(), Object.keys(ALLOWED_SSH_OPTIONS).sort());
});

for (const [name, { pass, fail }] of Object.entries(VALUES)) {
  test(`ssh option ${name}: the values ssh_config(5) takes pass, and the real ssh -G parses each`, (t) => {
    for (const value of pass) {
      const verdict = checkSshOption(name, value);
      assert.ok(verdict.ok, `${name}=${JSON.stringify(value)}: ${!verdict.ok && verdict.message}`);
    }
    if (!needs(t, "ssh (openssh-client)", hasSsh)) return;
    for (const value of pass) {
      const verdict = checkSshOption(name, value);
      assert.ok(verdict.ok);
      const ssh = sshParses(verdict.name, verdict.value);
      assert.ok(ssh.ok, `ssh -G refuses ${verdict.name}=${verdict.value}: ${ssh.stderr}`);
      assert.deepEqual(ssh.weak, [], `${verdict.name}=${verdict.value} brings back`);
    }
  });

  test(`ssh option ${name}: values outside its grammar are refused, named after the option`, () => {
    for (const value of fail) {
      const verdict = checkSshOption(name, value);
      assert.ok(!verdict.ok, `${name}=${JSON.stringify(value)} was accepted`);
      assert.match(verdict.message, new RegExp(`^ssh option ${name} `));
    }
  });
}

// The holes of the issue: ssh itself takes every one of these weak lists (so only tunnelc can
// refuse them), and refuses none of the injections before they reach the unit.
const WEAK_THAT_SSH_TAKES: [string, string, RegExp][] = [
  ["HostKeyAlgorithms", "+ssh-dss", /ssh-dss is DSA.*use an ed25519 or ecdsa key/],
  ["KexAlgorithms", "+diffie-hellman-group1-sha1", /1024-bit group with SHA-1.*OpenSSH 7\.0/],
  ["PubkeyAcceptedAlgorithms", "+ssh-rsa", /SHA-1, off by default since OpenSSH 8\.8/],
  ["Ciphers", "^aes128-cbc", /CBC mode.*OpenSSH 7\.6/],
  ["Ciphers", "+3des-cbc", /64-bit block cipher/],
  ["MACs", "+hmac-md5", /MD5/],
  ["HostKeyAlgorithms", "+ssh-*", /wildcards only in a list that removes/],
];

test("weak algorithms that ssh 9.2 still takes are refused, with why and what to use", (t) => {
  for (const [name, value, why] of WEAK_THAT_SSH_TAKES) {
    const verdict = checkSshOption(name, value);
    assert.ok(!verdict.ok, `${name}=${value} was accepted`);
    assert.match(verdict.message, why);
  }
  if (!needs(t, "ssh (openssh-client)", hasSsh)) return;
  for (const [name, value] of WEAK_THAT_SSH_TAKES) {
    assert.ok(sshParses(name, value).ok, `ssh -G takes ${name}=${value}`);
  }
});

test("every weak algorithm is refused when added, preferred or named, and allowed when removed", () => {
  const option = { cipher: "Ciphers", mac: "MACs", kex: "KexAlgorithms", key: "HostKeyAlgorithms" };
  for (const w of WEAK_ALGORITHMS) {
    // A name the entry covers: "*-cbc" → "aes128-cbc", "hmac-md5*" → "hmac-md5".
    const name = w.pattern.replace("*", w.pattern.startsWith("*") ? "aes128" : "");
    for (const sign of ["", "+", "^"]) {
      const verdict = checkSshOption(option[w.family], `${sign}${name}`);
      assert.ok(!verdict.ok, `${option[w.family]}=${sign}${name} was accepted`);
      assert.match(verdict.message, /OpenSSH/);
    }
    assert.ok(checkSshOption(option[w.family], `-${name}`).ok, `-${name}`);
  }
});

test("injections through an option's value are refused: blanks, '=', newlines, quotes", () => {
  const injections: [string, string][] = [
    ["LogLevel", "ERROR ProxyCommand=x"],
    ["LogLevel", "ERROR=x"],
    ["LogLevel", "ERROR\nProxyCommand x"],
    ["LogLevel", "ERROR\rProxyCommand x"],
    ["IPQoS", "lowdelay ProxyCommand=x"],
    ["RekeyLimit", "1G 1h ProxyCommand=x"],
    ["RekeyLimit", "1G\tnone"],
    ["BindInterface", "eth0 ProxyCommand=x"],
    ["BindAddress", "192.0.2.1\nLocalCommand id"],
    ["Ciphers", "aes128-ctr ProxyCommand=x"],
    ["Ciphers", 'aes128-ctr,"x y"'],
    ["KexAlgorithms", "curve25519-sha256#x"],
    ["HostKeyAlgorithms", "ssh-ed25519,%h"],
    ["StreamLocalBindMask", "0177 x"],
    ["ConnectTimeout", "10 ProxyCommand=x"],
  ];
  for (const [name, value] of injections) {
    const verdict = checkSshOption(name, value);
    assert.ok(!verdict.ok, `${name}=${JSON.stringify(value)} was accepted`);
  }
});

test("validate refuses bad ssh.options at /ssh/options/NAME: exit 1, file:line:col, every problem", () => {
  const dir = mkdtempSync(join(tmpdir(), "tunnelc-hostile-options-"));
  const file = join(dir, "opts.json");
  writeFileSync(
    file,
    JSON.stringify(
      {
        name: "t",
        server: "me@relay.example.net",
        identity: "/etc/tunnelc/keys/t",
        ssh: {
          options: {
            HostKeyAlgorithms: "+ssh-dss",
            KexAlgorithms: "+diffie-hellman-group1-sha1",
            LogLevel: "ERROR ProxyCommand=x",
          },
        },
        forwards: [{ remote: 2222, to: "localhost:22" }],
      },
      null,
      2,
    ),
  );
  const r = tunnelc(["validate", file]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const lines = [
    [7, "HostKeyAlgorithms", "ssh-dss is DSA"],
    [8, "KexAlgorithms", "diffie-hellman-group1-sha1 is a 1024-bit group"],
    [
      9,
      "LogLevel",
      'takes QUIET, FATAL, ERROR, INFO, VERBOSE, DEBUG, DEBUG1, DEBUG2 or DEBUG3 (got "ERROR ProxyCommand=x")',
    ],
  ] as const;
  for (const [line, name, text] of lines) {
    assert.ok(
      r.stderr.includes(`${file}:${line}:7: /ssh/options/${name}: ssh option ${name} `),
      `${name} at line ${line}:\n${r.stderr}`,
    );
    assert.ok(r.stderr.includes(text), `${text}:\n${r.stderr}`);
  }
  assert.match(r.stderr, /3 errors/);
});

// Values built from the words, signs and separators of every grammar, and the characters that
// would smuggle something in: whatever tunnelc accepts, the real ssh parses, and the
// configuration ssh resolves from it offers no algorithm OpenSSH has turned off.
const PIECES = [
  ...["yes", "no", "ask", "always", "any", "inet6", "ERROR", "debug3", "md5", "sha256"],
  ...["af21", "cs7", "lowdelay", "0x1f", "255", "256", "0", "16", "15", "1G", "512M", "1h30m"],
  ...["none", "default", "0177", "0777", "1024", "eth0", "192.0.2.1", "::1", "fe80::1"],
  ...["aes128-ctr", "aes256-cbc", "3des-cbc", "chacha20-poly1305@openssh.com", "ssh-ed25519"],
  ...["ssh-rsa", "ssh-dss", "rsa-sha2-512", "curve25519-sha256", "diffie-hellman-group1-sha1"],
  ...["hmac-sha2-256", "hmac-md5", "umac-64@openssh.com", "ssh-", "-cbc", "sha1"],
  ...[" ", ",", "+", "-", "^", "*", "?", "=", '"', "#", "%", "\\", "!", "\t"],
];
const valueArb = fc
  .array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 5 })
  .map((p) => p.join(""));

test("whatever tunnelc accepts from words and separators, the real ssh -G parses, and it brings back no weak algorithm", (t) => {
  if (!needs(t, "ssh (openssh-client)", hasSsh)) return;
  for (const name of Object.keys(ALLOWED_SSH_OPTIONS)) {
    fc.assert(
      fc.property(valueArb, (value) => {
        const verdict = checkSshOption(name, value);
        if (!verdict.ok) return;
        const ssh = sshParses(verdict.name, verdict.value);
        assert.ok(ssh.ok, `ssh -G refuses ${verdict.name}=${verdict.value}: ${ssh.stderr}`);
        assert.deepEqual(ssh.weak, [], `${verdict.name}=${verdict.value} brings back`);
      }),
      { numRuns: 150, seed: 16 },
    );
  }
});

// Names OpenSSH added after 9.2 (known-algorithms.ts marks them "newer").
const NEWER = [
  "mlkem768x25519-sha256",
  "mlkem768nistp256-sha256",
  "webauthn-sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
  "ssh-mldsa44-ed25519@openssh.com",
  "ssh-mldsa44-ed25519-cert-v01@openssh.com",
];

test("every algorithm the real ssh -Q lists is known or turned off, and every known one is listed or newer", (t) => {
  if (!needs(t, "ssh (openssh-client)", hasSsh)) return;
  for (const [family, query] of Object.entries(QUERY) as [AlgorithmFamily, string][]) {
    const listed = spawnSync("ssh", ["-Q", query], { encoding: "utf8" })
      .stdout.split("\n")
      .filter(Boolean);
    assert.ok(listed.length > 0, `ssh -Q ${query}`);
    for (const name of listed)
      assert.ok(
        KNOWN_ALGORITHMS[family].has(name) || weakAlgorithm(family, name),
        `${family} ${name}`,
      );
    for (const name of KNOWN_ALGORITHMS[family])
      assert.ok(
        listed.includes(name) || NEWER.includes(name),
        `${family} ${name} is not in ssh -Q ${query}`,
      );
  }
});
