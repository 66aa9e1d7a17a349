// Issue 16, the generator's and the spec directories' reads, and whose specs are trusted: each
// attack through the real generator entry (bin/tunnelc.cjs → dist/generator.cjs) or the real
// CLI, on real files. The trust cases run in a private mount namespace (unshare(1)) with a fresh
// tmpfs on /run, so the generator reads its real default directory /run/tunnelc without this
// machine's /run or /etc being touched; files there are really chown'ed and chmod'ed.
import { test, after, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer } from "node:net";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI } from "./helpers/paths.ts";
import { cliForOthers } from "./helpers/cli-for-others.ts";
import { planGeneration } from "../src/generator/plan.ts";
import { hasTool, needs } from "./helpers/prereq.ts";

const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "tunnelc-hostile-gen-"));
  made.push(d);
  return d;
};
const spec = (name: string, port: number) =>
  `${JSON.stringify({ name, server: "relay@192.0.2.1", identity: `/etc/tunnelc/keys/${name}`, forwards: [{ remote: port, to: "localhost:22" }] })}\n`;

/** Records the process's peak RSS (KiB) on exit: the generator's own budget is 64 MiB. */
function preload(dir: string): string {
  const p = join(dir, "rss.cjs");
  writeFileSync(
    p,
    'process.on("exit", () => require("node:fs").writeFileSync(process.env.RSS_FILE, String(process.resourceUsage().maxRSS)));\n',
  );
  return p;
}

interface Run {
  status: number | null;
  stderr: string;
  timedOut: boolean;
  ms: number;
  rssMiB: number;
}

/** node [-r rss] CLI ARGS, bounded in time; never the machine's kernel log or journal. */
function run(args: string[], opts: { input?: string; stdinFd?: number; timeoutMs?: number } = {}) {
  const work = tmp();
  const rss = join(work, "rss");
  const start = performance.now();
  const r = spawnSync(process.execPath, ["-r", preload(work), CLI, ...args], {
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 15_000,
    killSignal: "SIGKILL",
    stdio: [opts.stdinFd ?? "pipe", "pipe", "pipe"],
    ...(opts.input !== undefined && { input: opts.input }),
    env: {
      ...process.env,
      NO_COLOR: "1",
      RSS_FILE: rss,
      TUNNELC_KMSG: join(work, "no-kmsg"),
      TUNNELC_JOURNAL_STREAM: join(work, "no-journal"),
    },
  });
  const ms = performance.now() - start;
  const rssMiB = existsSync(rss) ? Number(readFileSync(rss, "utf8")) / 1024 : NaN;
  return {
    status: r.status,
    stderr: r.stderr ?? "",
    timedOut: r.error !== undefined,
    ms,
    rssMiB,
  } satisfies Run;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// ---- §1: what a spec directory may hold ---------------------------------------------------

interface Entry {
  name: string;
  /** The entry's name in the directory (bytes, for names that are not UTF-8). */
  file: string | Buffer;
  make(path: string | Buffer): (() => void) | void;
  /** How the problem's location shows the name. */
  shown: string;
  code: string;
  message: RegExp;
}

const entries: Entry[] = [
  {
    name: "a FIFO named x.json",
    file: "x.json",
    make: (p) => void spawnSync("mkfifo", [p.toString()]),
    shown: "x.json",
    code: "read/not-regular",
    message: /refused: a FIFO \(named pipe\), not a regular file/,
  },
  {
    name: "a symbolic link x.json to /dev/zero",
    file: "x.json",
    make: (p) => symlinkSync("/dev/zero", p),
    shown: "x.json",
    code: "read/not-regular",
    message: /refused: a character device, not a regular file/,
  },
  {
    name: "a character device node x.json (1:5, the numbers of /dev/zero)",
    file: "x.json",
    make: (p) => void spawnSync("mknod", [p.toString(), "c", "1", "5"]),
    shown: "x.json",
    code: "read/not-regular",
    message: /refused: a character device, not a regular file/,
  },
  {
    name: "a 1.9 GB sparse file",
    file: "x.json",
    make: (p) => void spawnSync("truncate", ["-s", "1900M", p.toString()]),
    shown: "x.json",
    code: "json/too-large",
    message: /the spec is 1992294400 bytes; specs larger than 67108864 bytes are refused/,
  },
  {
    name: "a directory named x.json",
    file: "x.json",
    make: (p) => mkdirSync(p),
    shown: "x.json",
    code: "read/not-regular",
    message: /refused: a directory, not a regular file/,
  },
  {
    name: "a socket named x.json",
    file: "x.json",
    make: (p) => {
      const server = createServer().listen(p.toString());
      return () => server.close();
    },
    shown: "x.json",
    code: "read/not-regular",
    message: /refused: a socket, not a regular file/,
  },
  {
    name: "a dangling symbolic link",
    file: "x.json",
    make: (p) => symlinkSync("/nonexistent/tunnelc-spec", p),
    shown: "x.json",
    code: "read/dangling-link",
    message: /refused: a dangling symbolic link to \/nonexistent\/tunnelc-spec/,
  },
  {
    name: "a file name with a newline",
    file: "new\nline.json",
    make: (p) => writeFileSync(p, spec("newline", 2301)),
    shown: "new\\nline.json",
    code: "read/bad-name",
    message: /refused: the file name has control characters or is not UTF-8/,
  },
  {
    name: "a file name with a tab",
    file: "tab\tx.json",
    make: (p) => writeFileSync(p, spec("tabx", 2302)),
    shown: "tab\\tx.json",
    code: "read/bad-name",
    message: /refused: the file name has control characters or is not UTF-8/,
  },
  {
    name: "a file name that is not UTF-8",
    file: Buffer.from([0x78, 0xff, 0x2e, 0x6a, 0x73, 0x6f, 0x6e]),
    make: (p) => writeFileSync(p, spec("notutf", 2303)),
    shown: "x\\xff.json",
    code: "read/bad-name",
    message: /refused: the file name has control characters or is not UTF-8/,
  },
];

for (const e of entries) {
  test(`generator over a spec directory holding ${e.name}: a located problem of its own, the other spec generated, at once and within 64 MiB`, () => {
    const dir = tmp();
    writeFileSync(join(dir, "good.json"), spec("good", 2300));
    const path =
      typeof e.file === "string"
        ? join(dir, e.file)
        : Buffer.concat([Buffer.from(`${dir}/`), e.file]);
    const cleanup = e.make(path);
    const out = join(tmp(), "out");
    try {
      const r = run(["generate", "--spec-dir", dir, out], { timeoutMs: 10_000 });
      assert.equal(r.timedOut, false, "the generator never waits on an entry");
      assert.equal(r.status, 0, r.stderr);
      assert.ok(r.rssMiB < 64, `peak RSS ${r.rssMiB.toFixed(1)} MiB`);
      assert.ok(readFileSync(join(out, "good.service"), "utf8").includes("ExecStart="));
      assert.match(
        r.stderr,
        new RegExp(
          `^tunnelc-generator\\[\\d+\\]: ${esc(`${dir}/${e.shown}`)}:1:1: /: ${e.message.source}`,
          "m",
        ),
      );
      const status = JSON.parse(readFileSync(join(out, "tunnelc-generator.status"), "utf8"));
      assert.deepEqual(
        status.diagnostics.map((d: { code: string; file: string }) => [d.code, d.file]),
        [[e.code, `${dir}/${e.shown}`]],
      );
      assert.doesNotMatch(r.stderr.replace(/\n/g, ""), /[\u0000-\u001f\u007f]/);
    } finally {
      if (typeof cleanup === "function") cleanup();
    }
  });
}

const cliCases: [string, (dir: string) => string, RegExp][] = [
  [
    "a FIFO",
    (d) => (spawnSync("mkfifo", [join(d, "f.json")]), join(d, "f.json")),
    /refused: a FIFO \(named pipe\), not a regular file/,
  ],
  [
    "a link to /dev/zero",
    (d) => (symlinkSync("/dev/zero", join(d, "z.json")), join(d, "z.json")),
    /refused: a character device, not a regular file/,
  ],
  [
    "a 1.9 GB sparse file",
    (d) => (spawnSync("truncate", ["-s", "1900M", join(d, "s.json")]), join(d, "s.json")),
    /the spec is 1992294400 bytes; specs larger than 67108864 bytes are refused/,
  ],
  [
    "a directory",
    (d) => (mkdirSync(join(d, "d.json")), join(d, "d.json")),
    /refused: a directory, not a regular file/,
  ],
];

for (const [what, make, message] of cliCases) {
  test(`tunnelc validate and compile of ${what}: exit 1, located at 1:1, at once, never read whole`, () => {
    const file = make(tmp());
    for (const cmd of ["validate", "compile"]) {
      const r = run([cmd, file], { timeoutMs: 10_000 });
      assert.equal(r.timedOut, false);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`^${esc(file)}:1:1: /: ${message.source}`, "m"));
      assert.ok(r.rssMiB < 100, `peak RSS ${r.rssMiB.toFixed(1)} MiB`);
    }
  });
}

test("tunnelc validate - with endless standard input (/dev/zero): refused after the limit, exit 1", () => {
  const fd = openSync("/dev/zero", "r");
  try {
    const r = run(["validate", "-"], { stdinFd: fd, timeoutMs: 20_000 });
    assert.equal(r.timedOut, false);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^<stdin>:1:1: \/: the spec is more than 67108864 bytes/m);
  } finally {
    closeSync(fd);
  }
});

test("tunnelc validate - with a spec on a pipe still reads it", () => {
  const r = run(["validate", "-"], { input: spec("piped", 2304) });
  assert.equal(r.status, 0, r.stderr);
});

// ---- §2: whose specs are trusted --------------------------------------------------------------

const canUnshare = () =>
  process.getuid?.() === 0 &&
  spawnSync("unshare", ["--mount", "--propagation", "private", "true"]).status === 0;

/**
 * bash SETUP, then `node CLI ARGS`, in a private mount namespace whose /run is a fresh tmpfs
 * (mode runMode) holding /run/tunnelc; /etc/tunnelc and /usr/lib/tunnelc, if this machine has
 * them, are hidden under empty ones. $W is a host directory with the staged specs.
 */
function inPrivateRun(
  setup: string,
  args: string[],
  opts: { runMode?: string; env?: NodeJS.ProcessEnv; as?: string[] } = {},
) {
  const work = tmp();
  const script = [
    "set -e",
    `mount -t tmpfs -o mode=${opts.runMode ?? "0755"} tunnelc-test /run`,
    "for d in /etc/tunnelc /usr/lib/tunnelc; do if [ -d $d ]; then mount -t tmpfs -o mode=0755 tunnelc-test $d; fi; done",
    "install -d -m 0755 /run/tunnelc",
    setup,
    `exec ${(opts.as ?? []).join(" ")} "$NODE" "$CLI" "$@"`,
  ].join("\n");
  const r = spawnSync(
    "unshare",
    ["--mount", "--propagation", "private", "bash", "-c", script, "bash", ...args],
    {
      encoding: "utf8",
      timeout: 20_000,
      env: {
        ...process.env,
        ...opts.env,
        NODE: process.execPath,
        // Run as another account, the CLI must be where that account can read it.
        CLI: opts.as === undefined ? CLI : cliForOthers(),
        W: work,
        NO_COLOR: "1",
        TUNNELC_KMSG: join(work, "no-kmsg"),
        TUNNELC_JOURNAL_STREAM: join(work, "no-journal"),
      },
    },
  );
  return { ...r, work };
}

/** Stages spec NAME (port) in $W and installs it into /run/tunnelc with this owner and mode. */
const put = (name: string, port: number, mode = "0644", owner = "0") =>
  `printf '%s' '${spec(name, port).trim()}' >"$W/${name}.json"\ninstall -m ${mode} -o ${owner} "$W/${name}.json" /run/tunnelc/${name}.json`;

function needsNamespace(t: TestContext): boolean {
  return needs(t, "root and unshare --mount (util-linux)", canUnshare());
}

const refusedLine = (file: string, what: string, fix: string, whole = false) =>
  new RegExp(
    `${esc(file)}:1:1: /: refused${whole ? ", no spec read from it" : ""}: ${what}.*sshd's StrictModes rule\\)\\. Fix: ${fix}`,
    "m",
  );

interface TrustCase {
  name: string;
  setup: string;
  runMode?: string;
  file: string;
  what: string;
  fix: string;
  /** The tunnel still generated beside it, when it can be (the directory itself is fine). */
  beside?: boolean;
  /**
   * The spec directory itself is refused: one problem at it, nothing in it listed, and no unit
   * for any of its entries, whose names anyone could have chosen.
   */
  whole?: boolean;
}

const trustCases: TrustCase[] = [
  {
    name: "a spec of mode 0666",
    setup: put("ww", 2401, "0666"),
    file: "/run/tunnelc/ww.json",
    what: "the file /run/tunnelc/ww\\.json is writable by its group and others \\(mode 0666\\)",
    fix: "chmod go-w /run/tunnelc/ww\\.json",
    beside: true,
  },
  {
    name: "a group-writable spec (0664)",
    setup: put("ww", 2401, "0664"),
    file: "/run/tunnelc/ww.json",
    what: "the file /run/tunnelc/ww\\.json is writable by its group \\(mode 0664\\)",
    fix: "chmod go-w /run/tunnelc/ww\\.json",
    beside: true,
  },
  {
    name: "a spec owned by nobody",
    setup: put("ww", 2401, "0644", "65534"),
    file: "/run/tunnelc/ww.json",
    what: "the file /run/tunnelc/ww\\.json is owned by uid 65534 \\(mode 0644\\)",
    fix: "chown root /run/tunnelc/ww\\.json",
    beside: true,
  },
  {
    name: "a spec owned by nobody, mode 0666, in a mode-1777 directory (the issue's case)",
    // And a thousand more entries anyone could have put there: still one problem.
    setup: `${put("ww", 2401, "0666", "65534")}\nfor i in $(seq 1000); do : >/run/tunnelc/a$i.json; done\nchmod 1777 /run/tunnelc`,
    file: "/run/tunnelc",
    whole: true,
    what: "the directory /run/tunnelc is writable by its group and others \\(mode 1777\\)",
    fix: "chmod go-w /run/tunnelc$",
  },
  {
    name: "a spec directory owned by nobody",
    setup: `${put("ww", 2401)}\nchown 65534 /run/tunnelc`,
    file: "/run/tunnelc",
    whole: true,
    what: "the directory /run/tunnelc is owned by uid 65534 \\(mode 0755\\)",
    fix: "chown root /run/tunnelc",
  },
  {
    name: "a sticky, world-writable directory above the spec directory (/run 1777)",
    setup: put("ww", 2401),
    runMode: "1777",
    file: "/run/tunnelc",
    whole: true,
    what: "the directory /run is writable by its group and others \\(mode 1777\\)",
    fix: "move the spec \\(or the link's target\\) out of /run",
  },
  {
    name: "a spec that is a link to a file in a world-writable directory",
    setup: `install -d -m 1777 /run/scratch\nprintf '%s' '${spec("ww", 2401).trim()}' >/run/scratch/t.json\nln -s /run/scratch/t.json /run/tunnelc/ww.json`,
    file: "/run/tunnelc/ww.json",
    what: "the directory /run/scratch is writable by its group and others \\(mode 1777\\)",
    fix: "move the spec \\(or the link's target\\) out of /run/scratch",
    beside: true,
  },
  {
    name: "a spec that is a link through a link to a directory nobody owns",
    setup: `install -d -m 0755 -o 65534 /run/owned\nprintf '%s' '${spec("ww", 2401).trim()}' >/run/owned/t.json\nln -s /run/owned /run/via\nln -s /run/via/t.json /run/tunnelc/ww.json`,
    file: "/run/tunnelc/ww.json",
    what: "the directory /run/owned is owned by uid 65534 \\(mode 0755\\)",
    fix: "chown root /run/owned",
    beside: true,
  },
];

for (const c of trustCases) {
  test(`system generator, default directory: ${c.name} is refused, located, with the fix; ${c.whole ? "the directory whole, one problem, no unit from it" : "its unit fails loudly"}${c.beside ? "; the others are generated" : ""}`, (t) => {
    if (!needsNamespace(t)) return;
    const setup = `${c.setup}\n${c.beside ? put("good", 2400) : ""}`;
    // Output into a host directory, read after the namespace is gone.
    const out = join(tmp(), "out");
    const real = inPrivateRun(setup, ["generate", out], {
      ...(c.runMode !== undefined && { runMode: c.runMode }),
    });
    assert.equal(real.status, 0, real.stderr);
    assert.match(real.stderr, refusedLine(c.file, c.what, c.fix, c.whole));
    const status = JSON.parse(readFileSync(join(out, "tunnelc-generator.status"), "utf8"));
    const untrustedAt = status.diagnostics
      .filter((d: { code: string }) => d.code === "read/untrusted")
      .map((d: { file: string }) => d.file);
    if (c.whole) {
      assert.deepEqual(untrustedAt, [c.file]);
      assert.deepEqual(status.diagnostics.length, 1);
      assert.deepEqual(
        readdirSync(out).filter(
          (f) => f.endsWith(".service") && f !== "tunnelc-generator-keep.service",
        ),
        [],
        "no unit from a directory anyone may write",
      );
    } else {
      assert.deepEqual(untrustedAt, [c.file]);
      const ww = readFileSync(join(out, "ww.service"), "utf8");
      assert.match(ww, /BROKEN SPEC, not started/, "the refused spec's tunnel fails loudly");
      assert.doesNotMatch(ww, /ExecStart=.*ssh /);
    }
    if (c.beside) assert.match(readFileSync(join(out, "good.service"), "utf8"), /ExecStart=/);
  });
}

test("system generator, default directory: a world-writable spec rewritten to name its tunnel ssh fails as its file's name, never as ssh.service", (t) => {
  if (!needsNamespace(t)) return;
  const out = join(tmp(), "out");
  const setup = `printf '%s' '${spec("ssh", 2403).trim()}' >/run/tunnelc/home.json\nchmod 0666 /run/tunnelc/home.json`;
  const r = inPrivateRun(setup, ["generate", out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /\/run\/tunnelc\/home\.json:1:1: \/: refused: the file/);
  assert.equal(
    existsSync(join(out, "ssh.service")),
    false,
    "no unit named by the text anyone may write",
  );
  assert.match(readFileSync(join(out, "home.service"), "utf8"), /BROKEN SPEC, not started/);
});

test("system generator, default directory: root's 0644 spec in root's 0755 directories, directly and through a link, is generated", (t) => {
  if (!needsNamespace(t)) return;
  const out = join(tmp(), "out");
  const setup = `${put("good", 2400)}\ninstall -d -m 0755 /run/specs\nprintf '%s' '${spec("linked", 2402).trim()}' >/run/specs/l.json\nchmod 0644 /run/specs/l.json\nln -s /run/specs/l.json /run/tunnelc/linked.json\nln -s /dev/null /run/tunnelc/masked.json`;
  const r = inPrivateRun(setup, ["generate", out]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "");
  for (const u of ["good", "linked"])
    assert.match(readFileSync(join(out, `${u}.service`), "utf8"), /ExecStart=/);
});

test("a refused spec overrides and masks nothing: the trusted spec of its file name below it is generated", () => {
  const refused = {
    severity: "error" as const,
    code: "read/untrusted" as const,
    message: "refused: test",
    location: { file: "/etc/tunnelc/a.json", line: 1, column: 1, pointer: "", length: 1 },
  };
  const plan = planGeneration(
    [
      {
        dir: "/etc/tunnelc",
        specs: [
          { file: "/etc/tunnelc/a.json", text: spec("a", 2801), refused },
          { file: "/etc/tunnelc/b.json", text: "", refused },
        ],
      },
      {
        dir: "/usr/lib/tunnelc",
        specs: [
          { file: "/usr/lib/tunnelc/a.json", text: spec("a", 2802) },
          { file: "/usr/lib/tunnelc/b.json", text: spec("b", 2803) },
        ],
      },
    ],
    { user: false, normalDir: "/out" },
  );
  const unit = (n: string) => plan.files.find((f) => f.path === `/out/${n}.service`)?.text ?? "";
  assert.match(unit("a"), /-R 2802:/);
  assert.match(unit("b"), /-R 2803:/);
  assert.deepEqual(
    plan.specs.map((s) => [s.file, s.ok, s.overrides, s.masked]),
    [
      ["/usr/lib/tunnelc/a.json", true, [], false],
      ["/usr/lib/tunnelc/b.json", true, [], false],
      ["/etc/tunnelc/a.json", false, [], false],
      ["/etc/tunnelc/b.json", false, [], false],
    ],
  );
});

test("user generator: the user's own and root's specs are read, another account's is refused", (t) => {
  if (!needsNamespace(t)) return;
  if (!needs(t, "setpriv (util-linux)", hasTool("setpriv", ["--version"]))) return;
  const out = "/run/user-out";
  const cfg = "/run/home/.config";
  const setup = [
    `install -d -m 0755 -o 65534 /run/home /run/home/.config /run/home/.config/tunnelc ${out}`,
    `printf '%s' '${spec("mine", 2501).trim()}' >/run/home/.config/tunnelc/mine.json`,
    "chown 65534 /run/home/.config/tunnelc/mine.json",
    `printf '%s' '${spec("roots", 2502).trim()}' >/run/home/.config/tunnelc/roots.json`,
    `printf '%s' '${spec("other", 2503).trim()}' >/run/home/.config/tunnelc/other.json`,
    "chown 1234 /run/home/.config/tunnelc/other.json",
    // After the run, inside the namespace: what the generator wrote, on stdout.
  ].join("\n");
  const r = inPrivateRun(setup, ["generate", "--user", "--dry-run", "--json"], {
    env: { XDG_CONFIG_HOME: cfg, HOME: "/run/home" },
    as: ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"],
  });
  const env = JSON.parse(r.stdout);
  const problems = env.diagnostics
    .filter((d: { code: string }) => d.code === "read/untrusted")
    .map((d: { file: string; message: string }) => [d.file, d.message]);
  assert.equal(problems.length, 1, r.stdout);
  assert.equal(problems[0][0], `${cfg}/tunnelc/other.json`);
  assert.match(problems[0][1], /owned by uid 1234 .*no one but root or uid 65534 .*chown 65534 /);
});

test("install --user with no spec reads the user's default directory: a spec others can write is refused, nothing installed", (t) => {
  if (!needsNamespace(t)) return;
  const cfg = "/run/home/.config";
  const setup = [
    "install -d -m 0755 /run/home /run/home/.config /run/home/.config/tunnelc",
    `printf '%s' '${spec("ww", 2601).trim()}' >/run/home/.config/tunnelc/ww.json`,
    "chmod 0666 /run/home/.config/tunnelc/ww.json",
  ].join("\n");
  const r = inPrivateRun(setup, ["install", "--user", "--dry-run"], {
    env: { XDG_CONFIG_HOME: cfg, HOME: "/run/home" },
  });
  assert.equal(r.status, 1, r.stderr + r.stdout);
  assert.match(
    r.stderr,
    refusedLine(
      `${cfg}/tunnelc/ww.json`,
      "the file .*writable by its group and others",
      "chmod go-w",
    ),
  );
});

test("named by the caller, not checked: compile of a 0666 spec in /tmp, generate --spec-dir of one", () => {
  const dir = tmp();
  const f = join(dir, "ww.json");
  writeFileSync(f, spec("ww", 2701), { mode: 0o666 });
  spawnSync("chmod", ["0666", f]);
  const c = run(["compile", f, "-o", "-"]);
  assert.equal(c.status, 0, c.stderr);
  const out = join(tmp(), "out");
  const g = run(["generate", "--spec-dir", dir, out]);
  assert.equal(g.status, 0, g.stderr);
  assert.match(readFileSync(join(out, "ww.service"), "utf8"), /ExecStart=/);
});
