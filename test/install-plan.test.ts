// install/uninstall plans and their application, with a recording systemctl (fast unit tests;
// the real systemd is exercised by test/e2e and test/packaging.test.ts).
import { edgeOf } from "../src/edge/edge.ts";
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
  existsSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileSpecs } from "../src/render/units.ts";
import { planInstall } from "../src/install/plan.ts";
import { planUninstall } from "../src/install/uninstall-plan.ts";
import { runInstall, type InstallArgs } from "../src/commands/install.ts";
import { runUninstall } from "../src/commands/uninstall.ts";
import { runStatus } from "../src/commands/status.ts";
import { ownershipOf } from "../src/install/ownership.ts";
import type { Runner } from "../src/edge/systemctl.ts";
import { SystemError } from "../src/errors.ts";
import { STALE_PORT, staleRelayPortHint } from "../src/model/stale-port.ts";
import { fleetSpecText } from "./helpers/fleet-spec.ts";

const spec = fleetSpecText;

function units(names: string[]) {
  const r = compileSpecs([{ file: "s.json", text: spec(names) }]);
  assert.ok(r.ok);
  return r.units;
}

class Recorder implements Runner {
  calls: string[][] = [];
  constructor(private readonly fail: (argv: string[]) => boolean = () => false) {}
  run(argv: string[]) {
    this.calls.push(argv);
    return this.fail(argv)
      ? { status: 1, stdout: "", stderr: `Failed: ${argv[1]}` }
      : { status: 0, stdout: "", stderr: "" };
  }
}

const live = { user: false };
const none = new Map<string, string | undefined>();

test("a fresh install: create every file, one daemon-reload, one enable --now", () => {
  const p = planInstall(units(["a", "b", "c"]), none, "/d", live, {
    enable: true,
    now: true,
    force: false,
  });
  assert.deepEqual(
    p.files.map((f) => f.kind),
    ["create", "create", "create"],
  );
  assert.deepEqual(
    p.commands.map((c) => c.argv),
    [
      ["systemctl", "daemon-reload"],
      ["systemctl", "enable", "--now", "a.service", "b.service", "c.service"],
    ],
  );
});

test("fifty tunnels still make one daemon-reload and one enable", () => {
  const names = Array.from({ length: 50 }, (_, i) => `t${i}`);
  const p = planInstall(units(names), none, "/d", live, { enable: true, now: true, force: false });
  assert.equal(p.commands.filter((c) => c.argv.includes("daemon-reload")).length, 1);
  assert.equal(p.commands.filter((c) => c.argv.includes("enable")).length, 1);
});

test("reinstalling the same units changes nothing and reloads nothing", () => {
  const us = units(["a"]);
  const existing = new Map([["/d/a.service", us[0]!.text]]);
  const p = planInstall(us, existing, "/d", live, { enable: false, now: false, force: false });
  assert.deepEqual(
    p.files.map((f) => f.kind),
    ["unchanged"],
  );
  assert.deepEqual(p.commands, []);
});

test("an owned unit that changed is updated with a diff and restarted if running", () => {
  const old = units(["a"])[0]!.text;
  const us = compileSpecs([
    {
      file: "s.json",
      text: JSON.stringify({
        name: "a",
        server: { host: "relay.example.net" },
        identity: "/etc/tunnelc/keys/a",
        forwards: [{ remote: 2999, to: "localhost:22" }],
      }),
    },
  ]).units;
  const p = planInstall(us, new Map([["/d/a.service", old]]), "/d", live, {
    enable: false,
    now: false,
    force: false,
  });
  const f = p.files[0]!;
  assert.equal(f.kind, "update");
  assert.match("diff" in f ? f.diff : "", /^-.*-R 2000:localhost:22 \\$/m);
  assert.match("diff" in f ? f.diff : "", /^\+.*-R 2999:localhost:22 \\$/m);
  assert.deepEqual(
    p.commands.map((c) => c.argv),
    [
      ["systemctl", "daemon-reload"],
      ["systemctl", "try-restart", "a.service"],
    ],
  );
});

test("a foreign unit is refused without --force, replaced with a backup with it", () => {
  const foreign = "[Service]\nExecStart=/bin/true\n";
  const existing = new Map([["/d/a.service", foreign]]);
  const refused = planInstall(units(["a"]), existing, "/d", live, {
    enable: true,
    now: true,
    force: false,
  });
  assert.equal(refused.refusals.length, 1);
  assert.deepEqual(refused.commands, []);
  const forced = planInstall(units(["a"]), existing, "/d", live, {
    enable: true,
    now: true,
    force: true,
  });
  const f = forced.files[0]!;
  assert.equal(f.kind, "replace");
  assert.equal(f.kind === "replace" && f.backup, "/d/a.service.tunnelc-backup");
});

test("--root: enable offline only, never reload or start", () => {
  const p = planInstall(
    units(["a"]),
    none,
    "/r/etc/systemd/system",
    { user: false, root: "/r" },
    { enable: true, now: false, force: false },
  );
  assert.deepEqual(
    p.commands.map((c) => c.argv),
    [["systemctl", "--root=/r", "enable", "a.service"]],
  );
  const u = planInstall(
    units(["a"]),
    none,
    "/r/etc/systemd/user",
    { user: true, root: "/r" },
    { enable: true, now: false, force: false },
  );
  assert.deepEqual(
    u.commands.map((c) => c.argv),
    [["systemctl", "--root=/r", "--global", "enable", "a.service"]],
  );
});

test("--user: every call goes to the user manager", () => {
  const p = planInstall(
    units(["a"]),
    none,
    "/d",
    { user: true },
    { enable: false, now: true, force: false },
  );
  assert.deepEqual(
    p.commands.map((c) => c.argv),
    [
      ["systemctl", "--user", "daemon-reload"],
      ["systemctl", "--user", "start", "a.service"],
    ],
  );
});

test("uninstall: disable --now before removing, then reload and reset-failed", () => {
  const text = units(["a"])[0]!.text;
  const p = planUninstall(
    [{ unit: "a.service", path: "/d/a.service" }],
    new Map([["/d/a.service", text]]),
    live,
  );
  assert.deepEqual(
    p.before.map((c) => c.argv),
    [["systemctl", "disable", "--now", "a.service"]],
  );
  assert.deepEqual(
    p.after.map((c) => c.argv),
    [
      ["systemctl", "daemon-reload"],
      ["systemctl", "reset-failed", "a.service"],
    ],
  );
});

test("uninstall refuses foreign and missing units", () => {
  const p = planUninstall(
    [
      { unit: "a.service", path: "/d/a.service" },
      { unit: "b.service", path: "/d/b.service" },
    ],
    new Map([
      ["/d/a.service", "[Service]\nExecStart=/bin/true\n"],
      ["/d/b.service", undefined],
    ]),
    live,
  );
  assert.deepEqual(
    p.refusals.map((r) => r.unit),
    ["a.service", "b.service"],
  );
  assert.deepEqual(p.before, []);
});

test("ownership is read from the header only", () => {
  const text = units(["a"])[0]!.text;
  assert.equal(ownershipOf(text).owned, true);
  assert.equal(ownershipOf(text).spec, "s.json");
  assert.equal(ownershipOf("[Unit]\n# tunnelc-hash: sha256:abc\n").owned, false);
});

/** install's arguments: nothing enabled, started, forced or printed unless a test says so. */
function install(o: Partial<InstallArgs>): InstallArgs {
  return { enable: false, now: false, user: false, dryRun: false, force: false, json: false, ...o };
}

function specFile(names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "tunnelc-plan-"));
  const f = join(dir, "s.json");
  writeFileSync(f, spec(names));
  return f;
}

test("install --root then uninstall --root, end to end on files, calls recorded", () => {
  const root = mkdtempSync(join(tmpdir(), "tunnelc-root-"));
  const runner = new Recorder();
  const out = runInstall(
    install({ enable: true, root, specs: [specFile(["a", "b"])] }),
    edgeOf({ runner: runner }),
  );
  assert.equal(out.exitCode, 0);
  const dir = join(root, "etc/systemd/system");
  assert.deepEqual(readdirSync(dir).sort(), ["a.service", "b.service"]);
  assert.equal(statSync(join(dir, "a.service")).mode & 0o777, 0o644);
  assert.deepEqual(runner.calls, [
    ["systemctl", `--root=${root}`, "enable", "a.service", "b.service"],
  ]);
  const gone = runUninstall(
    { targets: ["a"], user: false, root, dryRun: false, json: false },
    edgeOf({ runner: runner }),
  );
  assert.equal(gone.exitCode, 0);
  assert.deepEqual(readdirSync(dir).sort(), ["b.service"]);
});

test("--dry-run writes nothing and runs nothing", () => {
  const root = mkdtempSync(join(tmpdir(), "tunnelc-root-"));
  const runner = new Recorder();
  const out = runInstall(
    install({ specs: [specFile(["a"])], enable: true, root, dryRun: true }),
    edgeOf({ runner: runner }),
  );
  assert.match(out.stdout, /^would create .*a\.service$/m);
  assert.match(out.stdout, /^would run: systemctl --root=.* enable a\.service$/m);
  assert.equal(existsSync(join(root, "etc")), false);
  assert.deepEqual(runner.calls, []);
});

test("a failed systemctl call is a system error with its stderr; the files stay", () => {
  const root = mkdtempSync(join(tmpdir(), "tunnelc-root-"));
  const runner = new Recorder((argv) => argv.includes("enable"));
  assert.throws(
    () =>
      runInstall(
        install({ specs: [specFile(["a"])], enable: true, root }),
        edgeOf({ runner: runner }),
      ),
    (e: unknown) =>
      e instanceof SystemError &&
      /enable a\.service failed/.test(e.message) &&
      e.detail === "Failed: --root=" + root,
  );
  assert.ok(
    readFileSync(join(root, "etc/systemd/system/a.service"), "utf8").includes("tunnelc-hash"),
  );
});

test("a unit of the wrong scope is refused with a hint", () => {
  const f = specFile(["a"]);
  const out = runInstall(
    install({ specs: [f], user: true, root: mkdtempSync(join(tmpdir(), "r-")) }),
    edgeOf({ runner: new Recorder() }),
  );
  assert.equal(out.exitCode, 1);
  assert.match(out.notes.join("\n"), /tunnel a is a system unit: install it without --user/);
});

test("status --root lists owned units only, with their enabled state", () => {
  const root = mkdtempSync(join(tmpdir(), "tunnelc-root-"));
  runInstall(
    install({ specs: [specFile(["a"])], enable: true, root }),
    edgeOf({ runner: new Recorder() }),
  );
  writeFileSync(
    join(root, "etc/systemd/system/foreign.service"),
    "[Service]\nExecStart=/bin/true\n",
  );
  const runner: Runner = { run: () => ({ status: 0, stdout: "enabled\n", stderr: "" }) };
  const out = runStatus({ user: false, root, json: true }, edgeOf({ runner: runner }));
  const report = JSON.parse(out.stdout) as {
    tunnels: { unit: string; enabled: string; spec: string }[];
  };
  assert.deepEqual(
    report.tunnels.map((t) => [t.unit, t.enabled, t.spec]),
    [["a.service", "enabled", "s.json"]],
  );
});

/** A user-scope install into a temporary XDG_CONFIG_HOME, so live (non --root) paths are testable. */
function withConfigHome<T>(f: () => T): T {
  const saved = process.env.XDG_CONFIG_HOME;
  process.env.XDG_CONFIG_HOME = mkdtempSync(join(tmpdir(), "tunnelc-xdg-"));
  try {
    return f();
  } finally {
    if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = saved;
  }
}

/**
 * A spec of user tunnels, each with its key in a temporary directory; the names in `keyless`
 * get a key path where no file is.
 */
const userSpec = (names: string[], keyless: string[] = [], interval = 30) => {
  const f = specFile([]);
  const keys = mkdtempSync(join(tmpdir(), "tunnelc-keys-"));
  for (const name of names)
    if (!keyless.includes(name)) writeFileSync(join(keys, name), "key", { mode: 0o600 });
  writeFileSync(
    f,
    JSON.stringify({
      tunnels: names.map((name, i) => ({
        name,
        scope: "user",
        server: { host: "relay.example.net" },
        identity: join(keys, name),
        forwards: [{ remote: 2000 + i, to: "localhost:22" }],
        keepAlive: { interval },
      })),
    }),
  );
  return f;
};

const REFUSED = "Error: remote port forwarding failed for listen port 2000";
/** The line the unit's ExecStopPost= adds after it (src/render/log-replay.ts): not ssh's line. */
const JOURNAL_HINT = `${STALE_PORT.journalPrefix}${staleRelayPortHint(2000)}`;

/** systemctl and journalctl as they answer when a.service's forward is refused and b is up. */
function refusedA(calls: string[][], startStatus = 1): Runner {
  return {
    run(argv) {
      calls.push(argv);
      const ok = (stdout: string) => ({ status: 0, stdout, stderr: "" });
      if (argv.includes("start") || argv.includes("--now"))
        return startStatus === 0
          ? ok("")
          : {
              status: startStatus,
              stdout: "",
              stderr:
                "Job for a.service failed because the control process exited with error code.",
            };
      if (argv.includes("show"))
        return ok(
          [
            "Id=a.service\nActiveState=activating\nSubState=auto-restart\nResult=exit-code\nNRestarts=3\nStateChangeTimestamp=Mon 2025-01-06 10:00:05 UTC\nActiveEnterTimestamp=\nUnitFileState=enabled",
            "Id=b.service\nActiveState=active\nSubState=running\nResult=success\nNRestarts=0\nStateChangeTimestamp=Mon 2025-01-06 10:00:01 UTC\nActiveEnterTimestamp=Mon 2025-01-06 10:00:00 UTC\nUnitFileState=enabled",
          ].join("\n\n") + "\n",
        );
      if (argv[0] === "journalctl")
        return ok(
          argv.includes("_SYSTEMD_USER_UNIT=a.service") ? `${REFUSED}\n${JOURNAL_HINT}\n` : "",
        );
      return ok("");
    },
  };
}

test("install --now: a tunnel that did not come up is named with its last log line and the fix, exit 3", () =>
  withConfigHome(() => {
    const calls: string[][] = [];
    assert.throws(
      () =>
        runInstall(
          install({ specs: [userSpec(["a", "b"])], user: true, now: true }),
          edgeOf({ runner: refusedA(calls) }),
        ),
      (e: unknown) => {
        assert.ok(e instanceof SystemError);
        assert.equal(e.exitCode, 3);
        assert.equal(
          e.message,
          "systemctl --user start a.service b.service failed: 1 of 2 tunnel(s) did not come up",
        );
        const lines = (e.detail ?? "").split("\n");
        assert.equal(lines[0], `a.service did not come up (activating (auto-restart)): ${REFUSED}`);
        assert.match(
          lines[1]!,
          /^a\.service: the relay refused port 2000: .*--sshd-config.*--sysctl/,
        );
        assert.match(
          lines[1]!,
          /ClientAliveInterval 5, ClientAliveCountMax 3.*net\.ipv4\.tcp_retries2 = 5/,
        );
        assert.equal(
          lines[2],
          "Job for a.service failed because the control process exited with error code.",
        );
        assert.equal(lines.length, 3, "b.service came up: not named");
        return true;
      },
    );
    assert.deepEqual(
      calls.filter((c) => c[0] === "journalctl"),
      [
        [
          "journalctl",
          "--user",
          "_SYSTEMD_USER_UNIT=a.service",
          "-n",
          "2",
          "-o",
          "cat",
          "--no-pager",
          "-q",
        ],
      ],
    );
  }));

test("install --enable --now that succeeds asks nothing more: the start itself waited for readiness", () =>
  withConfigHome(() => {
    const calls: string[][] = [];
    const out = runInstall(
      install({ specs: [userSpec(["a"])], user: true, enable: true, now: true }),
      edgeOf({ runner: refusedA(calls, 0) }),
    );
    assert.equal(out.exitCode, 0);
    assert.deepEqual(calls, [
      ["systemctl", "is-system-running"],
      ["systemctl", "--user", "daemon-reload"],
      ["systemctl", "--user", "enable", "--now", "a.service"],
    ]);
  }));

/** systemctl as it answers when the named units are active (systemctl show), else succeeds. */
function activeUnits(calls: string[][], active: string[]): Runner {
  return {
    run(argv) {
      calls.push(argv);
      const stdout = argv.includes("show")
        ? argv
            .filter((a) => a.endsWith(".service"))
            .map((u) => `Id=${u}\nActiveState=${active.includes(u) ? "active" : "inactive"}`)
            .join("\n\n") + "\n"
        : "";
      return { status: 0, stdout, stderr: "" };
    },
  };
}

test("install --now of a tunnel whose key does not exist is refused before anything is written", () =>
  withConfigHome(() => {
    const calls: string[][] = [];
    const out = runInstall(
      install({ specs: [userSpec(["a", "b"], ["b"])], user: true, enable: true, now: true }),
      edgeOf({ runner: activeUnits(calls, []) }),
    );
    assert.equal(out.exitCode, 1);
    assert.match(
      out.notes.join("\n"),
      /^b\.service would not start: its key \/.*\/b does not exist \(ConditionPathExists= skips the start\); create it: mkdir -p -m 0700 .* && ssh-keygen -t ed25519 -N "" -f .*\/b, then install again$/,
    );
    assert.deepEqual(
      calls.filter((c) => c[0] === "systemctl" && c.includes("--user")),
      [],
      "nothing reloaded, enabled or started",
    );
    const dir = join(process.env.XDG_CONFIG_HOME!, "systemd", "user");
    assert.equal(existsSync(dir) && readdirSync(dir).length > 0, false, "no unit written");
  }));

test("without --now, a missing key is a warning; a changed unit of a running keyless tunnel is refused", () =>
  withConfigHome(() => {
    const calls: string[][] = [];
    const first = runInstall(
      install({ specs: [userSpec(["a"], ["a"])], user: true, enable: true, json: true }),
      edgeOf({ runner: activeUnits(calls, []) }),
    );
    assert.equal(first.exitCode, 0, first.stdout);
    const warned = JSON.parse(first.stdout) as { diagnostics: { code: string; message: string }[] };
    const identity = warned.diagnostics.filter((d) => d.code === "install/identity");
    assert.equal(identity.length, 1);
    assert.match(identity[0]!.message, /does not exist: the tunnel's start is skipped/);
    // The unit changes (another keep-alive) while a.service runs on the key it copied at its
    // start: the try-restart would stop it for good.
    const changed = userSpec(["a"], ["a"], 45);
    const running = runInstall(
      install({ specs: [changed], user: true }),
      edgeOf({ runner: activeUnits(calls, ["a.service"]) }),
    );
    assert.equal(running.exitCode, 1);
    assert.match(
      running.notes.join("\n"),
      /^a\.service runs, and restarting it without its key would stop it for good: its key /,
    );
    assert.ok(!calls.some((c) => c.includes("try-restart")), "no restart");
    // Not running: the update goes ahead (the restart would touch nothing), with the warning.
    const stopped = runInstall(
      install({ specs: [changed], user: true }),
      edgeOf({ runner: activeUnits(calls, []) }),
    );
    assert.equal(stopped.exitCode, 0);
    assert.ok(calls.some((c) => c.includes("try-restart")));
  }));

test("status: up, since, restarts, the last log line and the stale relay port, in text and JSON", () =>
  withConfigHome(() => {
    runInstall(
      install({ specs: [userSpec(["a", "b"])], user: true }),
      edgeOf({ runner: new Recorder() }),
    );
    const report = JSON.parse(
      runStatus({ user: true, json: true }, edgeOf({ runner: refusedA([]) })).stdout,
    ) as {
      tunnels: Record<string, unknown>[];
    };
    const [a, b] = report.tunnels;
    assert.deepEqual(
      [a!.unit, a!.up, a!.restarts, a!.since, a!.lastLog, a!.refusedRelayPort],
      ["a.service", false, 3, "Mon 2025-01-06 10:00:05 UTC", REFUSED, 2000],
    );
    assert.match(String(a!.hint), /tunnelc relay SPEC --sysctl/);
    assert.deepEqual(
      [b!.unit, b!.up, b!.restarts, b!.since, b!.lastLog],
      ["b.service", true, 0, "Mon 2025-01-06 10:00:00 UTC", undefined],
    );
    const text = runStatus({ user: true, json: false }, edgeOf({ runner: refusedA([]) })).stdout;
    assert.match(text, /^UNIT +UP +ENABLED +STATE +RESTARTS +SINCE$/m);
    assert.match(
      text,
      /^a\.service +no +enabled +activating \(auto-restart\) +3 +Mon 2025-01-06 10:00:05 UTC$/m,
    );
    assert.match(
      text,
      /^b\.service +yes +enabled +active \(running\) +0 +Mon 2025-01-06 10:00:00 UTC$/m,
    );
    assert.match(text, new RegExp(`^a\\.service: last log: ${REFUSED}$`, "m"));
    assert.match(text, /^a\.service: the relay refused port 2000: /m);
  }));
