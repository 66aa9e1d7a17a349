// The unit's log replay (src/render/log-replay.ts): which tunnels get it, the ExecStopPost=
// command itself run by sed on sample logs as systemd would exec it (test/fuzz.test.ts has systemd
// read the same line back), and how status reads the journal after it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileSpecs } from "../src/render/units.ts";
import { unitsWithTunnels } from "./helpers/unit-tunnels.ts";
import { sshCommandLine } from "../src/render/ssh-argv.ts";
import { logReplayCommand } from "../src/render/log-replay.ts";
import { runtimeDirectory } from "../src/render/handover.ts";
import { isReplayLine } from "../src/model/replay-lines.ts";
import { expandWords } from "../src/unit/command-line.ts";
import {
  STALE_PORT,
  isJournalHint,
  refusedRelayPort,
  staleRelayPortHint,
} from "../src/model/stale-port.ts";
import { hasTool, needs } from "./helpers/prereq.ts";
import { journalArgv, lastLine, lastLineQuery } from "../src/edge/journal.ts";
import type { Tunnel } from "../src/model/tunnel.ts";

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICrEM716nxe4LfvKB6vD0AJ/7XlaayCe0GE1zFcdYHA3";

function tunnelOf(spec: object): Tunnel {
  const r = compileSpecs([{ file: "t.json", text: JSON.stringify(spec) }]);
  assert.equal(r.ok, true, JSON.stringify(r.diagnostics));
  return unitsWithTunnels(r)[0]!.tunnel;
}
const v1 = (forwards: object[]) =>
  tunnelOf({
    name: "home",
    server: { host: "relay.example.net", user: "me", hostKeys: [HOST_KEY] },
    identity: "/etc/tunnelc/keys/home",
    forwards,
  });
const seed = () =>
  tunnelOf({ localUser: "u", remoteHostname: "relay.example.net", remoteUser: "u" });

for (const [name, tunnel, replayed] of [
  ["a v1 remote forward", () => v1([{ remote: 2222, to: "localhost:22" }]), true],
  [
    "a v1 remote forward and a local one",
    () =>
      v1([
        { remote: 2222, to: 22 },
        { local: 5432, to: "db:5432" },
      ]),
    true,
  ],
  ["a v1 local forward only", () => v1([{ local: 5432, to: "db:5432" }]), false],
  ["a v1 SOCKS proxy only", () => v1([{ dynamic: 1080 }]), false],
  [
    "a v1 remote unix socket only (ssh says 'listen path')",
    () => v1([{ remote: "/run/r.sock", to: 22 }]),
    false,
  ],
  ["the seed form (keeps its flags)", seed, false],
] as const) {
  test(`log replay: ${name}: ${replayed ? "ssh -E, replayed" : "ssh -y, as before"}`, () => {
    const t = tunnel();
    const argv = expandWords(sshCommandLine(t), { t: "/run" });
    assert.equal(t.logReplay === true, replayed);
    if (replayed) {
      assert.deepEqual(argv.slice(1, 4), ["-f", "-E", `/run/tunnelc-home/ssh.log`]);
      assert.ok(!argv.includes("-y"));
    } else {
      assert.deepEqual(argv.slice(1, 3), ["-f", "-y"]);
      assert.ok(!argv.includes("-E"));
    }
  });
}

test("log replay: the runtime directory is prefixed, never a daemon's own (a tunnel named sshd)", () => {
  assert.equal(runtimeDirectory({ name: "sshd" }), "tunnelc-sshd");
});

const REFUSAL = "Error: remote port forwarding failed for listen port 2222";
const CASES: [string, string[], string[]][] = [
  [
    "a refused relay port: ssh's lines, then the hint",
    ["Authenticated to relay", REFUSAL],
    [
      "Authenticated to relay",
      REFUSAL,
      `<4>${STALE_PORT.journalPrefix}${staleRelayPortHint(2222)}`,
    ],
  ],
  [
    "another port, as ssh prints it",
    ["Error: remote port forwarding failed for listen port 65535"],
    [
      "Error: remote port forwarding failed for listen port 65535",
      `<4>${STALE_PORT.journalPrefix}${staleRelayPortHint(65535)}`,
    ],
  ],
  [
    "a dead connection: the lines only",
    ["Timeout, server not responding."],
    ["Timeout, server not responding."],
  ],
  [
    "a refused socket path: no port, no hint",
    ["Error: remote port forwarding failed for listen path /run/r.sock"],
    ["Error: remote port forwarding failed for listen path /run/r.sock"],
  ],
  [
    "lines with sed's and systemd's special characters pass as they are",
    ['a \\1 & | "q" $HOME %t'],
    ['a \\1 & | "q" $HOME %t'],
  ],
  ["an empty log (ssh failed before logging): nothing", [], []],
];

for (const [name, log, expected] of CASES) {
  test(`log replay: ExecStopPost's sed: ${name}`, (t) => {
    if (!needs(t, "GNU sed at /usr/bin/sed", hasTool("/usr/bin/sed"))) return;
    const dir = mkdtempSync(join(tmpdir(), "tunnelc-replay-"));
    try {
      const tunnel = v1([{ remote: 2222, to: "localhost:22" }]);
      mkdirSync(join(dir, runtimeDirectory(tunnel)));
      writeFileSync(
        join(dir, runtimeDirectory(tunnel), "ssh.log"),
        log.map((l) => `${l}\n`).join(""),
      );
      // The argv systemd execs: %t is the runtime directory root, the "-" prefix is systemd's.
      const [exe, ...args] = expandWords(logReplayCommand(tunnel), { t: dir });
      const r = spawnSync(exe!, args, { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(r.stdout.split("\n").slice(0, -1), expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test("log replay: the journal's hint line is told from ssh's, and ssh's still names the port", () => {
  const hintLine = `${STALE_PORT.journalPrefix}${staleRelayPortHint(2222)}`;
  assert.equal(isJournalHint(hintLine), true);
  assert.equal(isJournalHint(REFUSAL), false);
  assert.equal(isJournalHint(staleRelayPortHint(2222)), false, "needs the prefix");
  assert.equal(refusedRelayPort(REFUSAL), 2222);
});

test("log replay: sed's complaint about a log ssh never opened is the replay's line, not ssh's", (t) => {
  if (!needs(t, "GNU sed at /usr/bin/sed", hasTool("/usr/bin/sed"))) return;
  const dir = mkdtempSync(join(tmpdir(), "tunnelc-replay-"));
  try {
    const [exe, ...args] = expandWords(logReplayCommand({ name: "home" }), { t: dir });
    const r = spawnSync(exe!, args, { encoding: "utf8", env: { ...process.env, LC_ALL: "C" } });
    assert.notEqual(r.status, 0, "the log is missing");
    const complaint = r.stderr.trim();
    assert.match(complaint, /^\/usr\/bin\/sed: /);
    assert.equal(isReplayLine(complaint), true);
    assert.equal(isReplayLine(`${STALE_PORT.journalPrefix}${staleRelayPortHint(2222)}`), true);
    for (const ssh of [
      REFUSAL,
      "Host key verification failed.",
      "ssh: connect to host relay port 22: Connection refused",
    ])
      assert.equal(isReplayLine(ssh), false, ssh);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const EXEC_FAILED =
  "home.service: Failed at step EXEC spawning /usr/bin/ssh: No such file or directory";
const SED_COMPLAINT =
  "/usr/bin/sed: can't read /run/tunnelc-home/ssh.log: No such file or directory";
for (const [name, journal, expected] of [
  [
    "ssh's refusal, then the unit's hint: ssh's line",
    [REFUSAL, `${STALE_PORT.journalPrefix}${staleRelayPortHint(2222)}`],
    REFUSAL,
  ],
  [
    "ssh never ran, then sed's complaint: systemd's line",
    [EXEC_FAILED, SED_COMPLAINT],
    EXEC_FAILED,
  ],
  [
    "a plain last line (the seed form's -y)",
    ["Host key verification failed.", "Timeout, server relay not responding."],
    "Timeout, server relay not responding.",
  ],
  ["nothing", [], undefined],
] as const) {
  test(`status' last log line: ${name}`, () => {
    const query = lastLineQuery(false, "home.service");
    assert.equal(lastLine([...journal]), expected);
    assert.deepEqual(journalArgv(query.user, query.unit, query.lines), [
      ...["journalctl", "_SYSTEMD_UNIT=home.service", "-n", "2", "-o", "cat", "--no-pager", "-q"],
    ]);
  });
}
