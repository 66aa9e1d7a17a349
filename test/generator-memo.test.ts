// The generator's memo (src/generator/memo.ts) and its keeper (src/generator/keeper.ts): the
// memo's form and every way a memo is refused, as tables; then the built generator, which
// replays a kept memo only when it is this run's, written by root alone and whole, and which on
// a replay loads no compiler. The kept memos live below /var/cache/tunnelc-test-* (the trust
// rule refuses /tmp, which anyone may write); nothing touches this machine's own /var/cache/tunnelc.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import {
  KEPT_MEMO,
  MAX_MEMO_BYTES,
  MEMO_FILE,
  keyHash,
  memoKey,
  memoParts,
  replayOf,
  type MemoInputs,
  type Replay,
} from "../src/generator/memo.ts";
import { KEEPER_UNIT, keeperUnit, withKeeper } from "../src/generator/keeper.ts";
import { edgeOf } from "../src/edge/edge.ts";
import { applyFiles } from "../src/edge/apply-files.ts";
import { checksum } from "../src/checksum.ts";
import { CLI, ROOT } from "./helpers/paths.ts";
import { tunnelc } from "./helpers/run-cli.ts";
import { needs } from "./helpers/prereq.ts";
import { hasSystemdAnalyze, verifyUnits, withUnitDir } from "./helpers/systemd.ts";

const N = "/run/systemd/generator";
const bytesOf = (parts: (string | Uint8Array)[]) => Buffer.concat(parts.map((p) => Buffer.from(p)));

const OUT: Replay = {
  files: [
    { path: `${N}/a.service`, text: "[Unit]\nDescription=Tünnel ✓\n" },
    { path: `${N}/tunnelc-generator.status`, text: "{}\n", mode: 0o600 },
  ],
  links: [{ path: `${N}/multi-user.target.wants/a.service`, target: "../a.service" }],
  lines: [{ level: 4, text: "a warning" }],
};

const ASKED: [string, string | null][] = [
  ["a.service", null],
  ["ssh.service", "/usr/lib/systemd/system/ssh.service"],
];
const UNITS = new Map([["/usr/lib/systemd/system", new Set(["ssh.service", "x.target"])]]);
const memo = (out: Replay = OUT, key = "K") => bytesOf(memoParts(key, out, ASKED));

/** The memo with its header (the first line) changed, its bytes after it as they were. */
function withHeader(data: Buffer, change: (h: Record<string, unknown>) => void): Buffer {
  const end = data.indexOf(0x0a);
  const h = JSON.parse(data.subarray(0, end).toString("utf8")) as Record<string, unknown>;
  change(h);
  return Buffer.concat([Buffer.from(`${JSON.stringify(h)}\n`), data.subarray(end + 1)]);
}
const files = (h: Record<string, unknown>) => h.files as Record<string, unknown>[];
const links = (h: Record<string, unknown>) => h.links as Record<string, unknown>[];

test("a memo replays what was written: the same bytes, modes, links and lines", () => {
  const r = replayOf(memo(), "K", N);
  assert.ok(r);
  assert.deepEqual(
    r.files.map((f) => [f.path, f.mode, Buffer.from(f.text as Uint8Array).toString("utf8")]),
    [
      [`${N}/a.service`, 0o644, "[Unit]\nDescription=Tünnel ✓\n"],
      [`${N}/tunnelc-generator.status`, 0o600, "{}\n"],
    ],
  );
  assert.deepEqual(r.links, OUT.links);
  assert.deepEqual(r.lines, OUT.lines);
  // A memo of no files at all (no spec anywhere) is one too.
  assert.deepEqual(replayOf(memo({ files: [], links: [], lines: [] }), "K", N), {
    files: [],
    links: [],
    lines: [],
  });
});

// Every way a memo is not replayed: the run compiles instead. Each case must be refused; the
// first row, unchanged, shows the harness replays what is not refused.
const REFUSED: [string, (m: Buffer) => Buffer | undefined, string?, string?][] = [
  ["another run's key", (m) => m, "K2"],
  ["another normal-dir", (m) => m, "K", "/run/other"],
  [
    "a file outside the normal-dir",
    (m) => withHeader(m, (h) => (files(h)[0]!.path = "/etc/systemd/system/a.service")),
  ],
  [
    "a path that climbs out",
    (m) => withHeader(m, (h) => (files(h)[0]!.path = `${N}/../../etc/x.service`)),
  ],
  ["a path with a newline", (m) => withHeader(m, (h) => (files(h)[0]!.path = `${N}/a\n.service`))],
  ["the normal-dir itself", (m) => withHeader(m, (h) => (files(h)[0]!.path = N))],
  ["a mode the generator never writes", (m) => withHeader(m, (h) => (files(h)[0]!.mode = 0o4755))],
  ["an absolute link target", (m) => withHeader(m, (h) => (links(h)[0]!.target = "/etc/passwd"))],
  ["a link target two levels up", (m) => withHeader(m, (h) => (links(h)[0]!.target = "../../x"))],
  ["a link target into a directory", (m) => withHeader(m, (h) => (links(h)[0]!.target = "../d/x"))],
  ["a link outside the normal-dir", (m) => withHeader(m, (h) => (links(h)[0]!.path = "/etc/x"))],
  [
    "a log line of another level",
    (m) => withHeader(m, (h) => ((h.lines as { level: number }[])[0]!.level = 0)),
  ],
  [
    "a size one byte more",
    (m) => withHeader(m, (h) => (files(h)[0]!.size = (files(h)[0]!.size as number) + 1)),
  ],
  ["a negative size", (m) => withHeader(m, (h) => (files(h)[1]!.size = -1))],
  ["a byte of a unit changed on the disk", (m) => flip(m, m.length - 5)],
  ["one byte lost at the end", (m) => m.subarray(0, m.length - 1)],
  ["one byte more at the end", (m) => Buffer.concat([m, Buffer.from("x")])],
  ["another checksum", (m) => withHeader(m, (h) => (h.check = "fletcher:0000000100000000"))],
  ["no checksum", (m) => withHeader(m, (h) => delete h.check)],
  ["another format", (m) => withHeader(m, (h) => (h.format = 3))],
  ["the format before, whose sum was over bytes", (m) => withHeader(m, (h) => (h.format = 1))],
  ["no header line", (m) => Buffer.from(m.toString("utf8").replace("\n", " "))],
  ["not JSON", () => Buffer.from("{not json\n")],
  ["an empty file", () => Buffer.alloc(0)],
  ["no file", () => undefined],
  ["no answers of the system's units", (m) => withHeader(m, (h) => delete h.asked)],
  ["an answer of another form", (m) => withHeader(m, (h) => (h.asked = [["a.service"]]))],
];

function flip(m: Buffer, at: number): Buffer {
  const c = Buffer.from(m);
  c[at] = c[at]! ^ 0x01;
  return c;
}

test("a memo that is not this run's, or not whole, or not of the generator's form is not replayed", () => {
  assert.ok(
    replayOf(
      withHeader(memo(), () => {}),
      "K",
      N,
    ),
    "the harness itself replays",
  );
  for (const [name, change, key = "K", dir = N] of REFUSED)
    assert.equal(replayOf(change(memo()), key, dir), undefined, name);
});

test("a memo is replayed while the system's units answer what its run asked as they did then", () => {
  assert.ok(replayOf(memo(), "K", N, UNITS), "the same answers");
  const more = new Map([...UNITS, ["/etc/systemd/system", new Set(["b.service", "y.service"])]]);
  assert.ok(replayOf(memo(), "K", N, more), "a service nobody asked about: replayed");
  const taken = new Map([...UNITS, ["/etc/systemd/system", new Set(["a.service"])]]);
  assert.equal(replayOf(memo(), "K", N, taken), undefined, "a tunnel's name now taken");
  const gone = new Map([["/usr/lib/systemd/system", new Set(["x.target"])]]);
  assert.equal(replayOf(memo(), "K", N, gone), undefined, "a name that was taken now free");
  const moved = new Map([["/etc/systemd/system", new Set(["ssh.service"])], ...UNITS]);
  assert.equal(replayOf(memo(), "K", N, moved), undefined, "found elsewhere now");
});

test("a large memo is checked with SHA-256, a small one with the Fletcher sum of words; either finds a changed byte", () => {
  const big: Replay = {
    files: [{ path: `${N}/big.service`, text: `# ${"x".repeat(300 * 1024)}\n` }],
    links: [],
    lines: [],
  };
  const m = memo(big);
  assert.match(m.subarray(0, m.indexOf(0x0a)).toString(), /"check":"sha256:[0-9a-f]{64}"/);
  assert.ok(replayOf(m, "K", N));
  assert.equal(replayOf(flip(m, m.length - 100), "K", N), undefined);
  assert.match(
    memo().subarray(0, memo().indexOf(0x0a)).toString(),
    /"check":"fletcher32:[0-9a-f]{16}"/,
  );
  // Text and its bytes give one checksum; so do the two ways at one size.
  const text = "Tünnel ✓ 🚇\n";
  assert.equal(checksum([text], 20), checksum([Buffer.from(text)], 20));
  assert.equal(checksum([text], 20, 0), checksum([Buffer.from(text)], 20, 0));
  // The key: a MurmurHash3 of a few specs' texts, a SHA-256 of many; each changes with a byte.
  assert.match(memoKey(INPUTS), /^murmur3:[0-9a-f]{32}$/);
  const pieces = ['{"a":1}\n', "Tünnel ✓ 🚇\n", "x".repeat(70_000)];
  for (const [short, form] of [
    [Infinity, /^murmur3:[0-9a-f]{32}$/],
    [0, /^sha256:[0-9a-f]{64}$/],
  ] as const) {
    const digest = (ps: string[]) => {
      const h = keyHash(1, short);
      for (const p of ps) h.update(p);
      return h.digest();
    };
    assert.match(digest(pieces), form);
    assert.equal(digest(pieces), digest([pieces.join("")]), "however the text is cut");
    assert.notEqual(digest(pieces), digest([...pieces.slice(0, 2), "x".repeat(69_999) + "y"]));
  }
  // Two words swapped change the second sum.
  assert.notEqual(checksum(["abcdefgh"], 8), checksum(["efghabcd"], 8));
  // Every byte counts, in the last, padded word too.
  for (let at = 0; at < 11; at++) {
    const bytes = Buffer.from("tunnelc-123");
    const before = checksum([bytes], 11);
    bytes[at] = bytes[at]! ^ 0x80;
    assert.notEqual(checksum([bytes], 11), before, `byte ${at}`);
  }
  // The files' bytes start on a word: the header is padded with spaces to it.
  const small = memo();
  assert.equal((small.indexOf(0x0a) + 1) % 4, 0);
});

test("the sum of words is the same however its bytes are cut into parts, aligned or not", () => {
  const data = Buffer.from(Array.from({ length: 1031 }, (_, i) => (i * 7 + 3) & 0xff));
  const whole = checksum([data], data.length);
  for (const cut of [1, 2, 3, 4, 5, 64, 513]) {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < data.length; i += cut) parts.push(data.subarray(i, i + cut));
    assert.equal(checksum(parts, data.length), whole, `parts of ${cut} bytes`);
  }
  // At every offset into a larger buffer (an Int32Array view, or byte by byte).
  for (let off = 0; off < 4; off++) {
    const big = Buffer.alloc(data.length + 8);
    data.copy(big, off);
    assert.equal(checksum([big.subarray(off, off + data.length)], data.length), whole, `at ${off}`);
  }
  // The sum as the memo's format 2 defines it, whichever loop takes the words (values from the
  // implementation before it had two loops).
  assert.equal(whole, "fletcher32:97beb123355794a7");
  assert.equal(checksum([data.subarray(1)], 1030), "fletcher32:9d97be31d035173c");
  // Text and its UTF-8 bytes alike.
  const text = "Tünnel ✓ 🚇 ".repeat(20);
  assert.equal(checksum([text], 300), checksum([Buffer.from(text)], 300));
});

const INPUTS: MemoInputs = {
  build: "b1",
  normalDir: N,
  keeper: ["/usr/bin/node", "/usr/lib/node_modules/tunnelc/bin/tunnelc.cjs"],
  dirs: [{ dir: "/etc/tunnelc", specs: [{ file: "/etc/tunnelc/a.json", text: '{"name":"a"}\n' }] }],
  readProblems: [],
};

test("the key changes with everything a run's output depends on but the system's units (asked again at each replay)", () => {
  const base = memoKey(INPUTS);
  const other = (i: Partial<MemoInputs>) => memoKey({ ...INPUTS, ...i });
  const changed: [string, string][] = [
    ["another build", other({ build: "b2" })],
    ["another normal-dir", other({ normalDir: "/tmp/x" })],
    ["another node", other({ keeper: ["/usr/local/bin/node", INPUTS.keeper[1]!] })],
    [
      "a spec changed by one byte",
      other({
        dirs: [
          {
            dir: "/etc/tunnelc",
            specs: [{ file: "/etc/tunnelc/a.json", text: '{"name":"a"} \n' }],
          },
        ],
      }),
    ],
    [
      "a spec refused",
      other({
        dirs: [
          {
            dir: "/etc/tunnelc",
            specs: [
              {
                file: "/etc/tunnelc/a.json",
                text: "",
                refused: {
                  severity: "error",
                  code: "read/untrusted",
                  message: "refused",
                  location: {
                    file: "/etc/tunnelc/a.json",
                    line: 1,
                    column: 1,
                    pointer: "",
                    length: 1,
                  },
                },
              },
            ],
          },
        ],
      }),
    ],
    [
      "a spec directory more",
      other({ dirs: [...INPUTS.dirs, { dir: "/run/tunnelc", specs: [] }] }),
    ],
    [
      "a file that could not be read",
      other({
        readProblems: [
          {
            severity: "error",
            code: "read/not-regular",
            message: "x",
            location: { file: "/etc/tunnelc/f.json", line: 1, column: 1, pointer: "", length: 1 },
          },
        ],
      }),
    ],
  ];
  for (const [name, key] of changed) assert.notEqual(key, base, name);
});

test("the keeper: its unit and link beside the tunnels', unless a tunnel or a system unit has its name", () => {
  const self = INPUTS.keeper;
  const kept = withKeeper(OUT, self, N, new Map());
  assert.deepEqual(
    kept.files.map((f) => f.path),
    [...OUT.files.map((f) => f.path), `${N}/${KEEPER_UNIT}`],
  );
  assert.deepEqual(kept.links.at(-1), {
    path: `${N}/multi-user.target.wants/${KEEPER_UNIT}`,
    target: `../${KEEPER_UNIT}`,
  });
  const unit = kept.files.at(-1)!.text as string;
  assert.match(
    unit,
    /^ExecStart=-\/usr\/bin\/node \/usr\/lib\/node_modules\/tunnelc\/bin\/tunnelc\.cjs generator keep --from \/run\/systemd\/generator$/m,
  );
  assert.match(unit, /^ConditionPathExists=\/run\/systemd\/generator\/tunnelc-generator\.memo$/m);
  assert.match(unit, /^CacheDirectory=tunnelc$/m);
  const tunnel: Replay = { ...OUT, files: [{ path: `${N}/${KEEPER_UNIT}`, text: "a tunnel\n" }] };
  assert.deepEqual(withKeeper(tunnel, self, N, new Map()), tunnel, "a tunnel of that name");
  const system = new Map([["/etc/systemd/system", new Set([KEEPER_UNIT])]]);
  assert.deepEqual(withKeeper(OUT, self, N, system), OUT, "a unit of that name");
  // A node whose path no unit can hold: no keeper, the rest as it was (never a failed boot).
  assert.deepEqual(withKeeper(OUT, ["/opt/no\nde", self[1]!], N, new Map()), OUT, "a bad path");
});

test("the keeper's unit passes systemd-analyze verify", (t) => {
  if (!needs(t, "systemd-analyze", hasSystemdAnalyze())) return;
  const text = keeperUnit([process.execPath, CLI], N);
  withUnitDir({ [KEEPER_UNIT]: text }, (dir) => {
    const r = verifyUnits([join(dir, KEEPER_UNIT)]);
    assert.ok(r.ok, r.output);
  });
});

// ---- the built generator -------------------------------------------------------------------

const isRoot = process.getuid?.() === 0;
const spec = (name: string, port: number, extra = "") =>
  `{ "name": "${name}", "server": { "host": "relay.example.net", "user": "r" }, "identity": "/etc/tunnelc/keys/${name}", "forwards": [{ "remote": ${port}, "to": "localhost:22" }]${extra} }\n`;

/** A root-only place for kept memos (0700 below /var/cache), and one for the normal-dir. */
function places() {
  mkdirSync("/var/cache", { recursive: true });
  const trusted = mkdtempSync("/var/cache/tunnelc-test-");
  chmodSync(trusted, 0o700);
  const specs = mkdtempSync(join(tmpdir(), "tunnelc-memo-specs-"));
  writeFileSync(join(specs, "a.json"), spec("a", 2222));
  writeFileSync(join(specs, "b.json"), spec("b", 2223, ', "description": "Tünnel ✓"'));
  writeFileSync(join(specs, "broken.json"), '{ "name": "broken", "server": {} }\n');
  const env = {
    TUNNELC_KMSG: join(trusted, "kmsg"),
    TUNNELC_JOURNAL_STREAM: join(trusted, "journal"),
    TUNNELC_KEPT_MEMO: join(trusted, "kept", "generator.memo"),
  };
  writeFileSync(env.TUNNELC_KMSG, "");
  return { trusted, specs, env, out: join(trusted, "normal") };
}

function removePlaces(p: ReturnType<typeof places>): void {
  rmSync(p.trusted, { recursive: true, force: true });
  rmSync(p.specs, { recursive: true, force: true });
}

/** Every file and link below dir, with its bytes or target, but the memo (a replay writes none). */
function tree(dir: string): Record<string, string> {
  const all: Record<string, string> = {};
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, f);
    if (f === MEMO_FILE || statSync(p).isDirectory()) continue;
    all[f] = f.includes("/") ? `-> ${readlinkSync(p)}` : readFileSync(p, "latin1");
  }
  return all;
}

/** A run as systemd starts it: the normal-dir made empty first. */
function generate(p: ReturnType<typeof places>, cli = CLI, env = {}) {
  rmSync(p.out, { recursive: true, force: true });
  mkdirSync(p.out);
  return spawnSync(
    process.execPath,
    [cli, "generate", "--spec-dir", p.specs, p.out, p.out, p.out],
    {
      encoding: "utf8",
      env: { ...process.env, ...p.env, TUNNELC_NO_CACHE_WRITE: "1", ...env },
    },
  );
}

const keep = (p: ReturnType<typeof places>, ...args: string[]) =>
  tunnelc(["generator", "keep", "--from", p.out, ...args], { env: p.env });

test("the built generator: compiled, kept, then replayed byte for byte; an edited spec compiles again", (t) => {
  if (!needs(t, "root (the kept memo must be root's)", isRoot)) return;
  const p = places();
  try {
    const first = generate(p);
    assert.equal(first.status, 0, first.stderr);
    assert.ok(existsSync(join(p.out, MEMO_FILE)), "a compiled run leaves its memo for the keeper");
    assert.ok(existsSync(join(p.out, KEEPER_UNIT)));
    const compiled = tree(p.out);
    const log = readFileSync(p.env.TUNNELC_KMSG, "utf8");
    assert.match(log, /broken\.json/);

    // It asked the system's units about each name it would write, the keeper's too.
    const m = readFileSync(join(p.out, MEMO_FILE));
    const header = JSON.parse(m.subarray(0, m.indexOf(0x0a)).toString("utf8")) as {
      asked: [string, string | null][];
    };
    assert.deepEqual(
      header.asked.map(([n]) => n),
      ["a.service", "b.service", "broken.service", KEEPER_UNIT].sort(),
    );
    const k = keep(p);
    assert.equal(k.status, 0, k.stderr);
    assert.match(k.stderr, /wrote .*generator\.memo/);
    assert.equal(statSync(p.env.TUNNELC_KEPT_MEMO).mode & 0o777, 0o600);
    assert.equal(statSync(join(p.trusted, "kept")).mode & 0o777, 0o700);
    assert.deepEqual(readFileSync(p.env.TUNNELC_KEPT_MEMO), readFileSync(join(p.out, MEMO_FILE)));
    assert.match(keep(p).stderr, /unchanged/);

    // The next boot, as systemd starts it: the same files, from the memo.
    writeFileSync(p.env.TUNNELC_KMSG, "");
    const again = generate(p);
    assert.equal(again.status, 0, again.stderr);
    assert.ok(!existsSync(join(p.out, MEMO_FILE)), "a replay writes no memo");
    assert.deepEqual(tree(p.out), compiled);
    const pidless = (text: string) => text.replace(/\[\d+\]/g, "[PID]");
    assert.equal(pidless(readFileSync(p.env.TUNNELC_KMSG, "utf8")), pidless(log), "the same lines");

    // One byte of one spec changed: compiled again, and the change is in the unit.
    writeFileSync(join(p.specs, "b.json"), spec("b", 2223, ', "description": "Tünnel ✗"'));
    const edited = generate(p);
    assert.equal(edited.status, 0, edited.stderr);
    assert.ok(existsSync(join(p.out, MEMO_FILE)));
    assert.match(readFileSync(join(p.out, "b.service"), "utf8"), /^Description=Tünnel ✗$/m);
  } finally {
    removePlaces(p);
  }
});

test("the built generator: no compiler needed when the memo is its own; the memo's trust, not its key, is what stops a forged one", (t) => {
  if (!needs(t, "root (the kept memo must be root's)", isRoot)) return;
  const p = places();
  const pkg = mkdtempSync(join(tmpdir(), "tunnelc-memo-pkg-"));
  try {
    mkdirSync(join(pkg, "bin"));
    mkdirSync(join(pkg, "dist"));
    copyFileSync(CLI, join(pkg, "bin", "tunnelc.cjs"));
    for (const f of ["generator.cjs", "generator-compile.cjs"])
      copyFileSync(join(ROOT, "dist", f), join(pkg, "dist", f));
    const cli = join(pkg, "bin", "tunnelc.cjs");
    assert.equal(generate(p, cli).status, 0);
    const compiled = tree(p.out);
    mkdirSync(join(p.trusted, "kept"), { mode: 0o700 });
    copyFileSync(join(p.out, MEMO_FILE), p.env.TUNNELC_KEPT_MEMO);
    rmSync(join(pkg, "dist", "generator-compile.cjs"));
    const replayed = generate(p, cli);
    assert.equal(replayed.status, 0, replayed.stderr);
    assert.deepEqual(tree(p.out), compiled, "replayed without dist/generator-compile.cjs");

    // A memo with this run's key whose unit says something else, its checksum made to match:
    // replayed when root's alone (which shows what the checks below stop)...
    const m = readFileSync(p.env.TUNNELC_KEPT_MEMO);
    const end = m.indexOf(0x0a);
    const h = JSON.parse(m.subarray(0, end).toString("utf8")) as {
      files: { path: string; size: number }[];
    };
    const body = m
      .subarray(end + 1)
      .toString("utf8")
      .replace("Description=", "Description=FORGED ");
    const first = h.files.findIndex((f) => f.path.endsWith("/a.service"));
    h.files[first]!.size += "FORGED ".length;
    const forged = Buffer.from(
      `${JSON.stringify({ ...h, check: checksum([body], Buffer.byteLength(body)) })}\n${body}`,
    );
    writeFileSync(p.env.TUNNELC_KEPT_MEMO, forged, { mode: 0o600 });
    assert.equal(generate(p, cli).status, 0);
    assert.match(readFileSync(join(p.out, "a.service"), "utf8"), /^Description=FORGED /m);
    // ...and never when someone else could have written it or a directory above it.
    for (const [what, path, mode] of [
      ["the memo writable by its group", p.env.TUNNELC_KEPT_MEMO, 0o620],
      ["its directory writable by others", join(p.trusted, "kept"), 0o777],
    ] as const) {
      chmodSync(path, mode);
      writeFileSync(p.env.TUNNELC_KMSG, "");
      const r = generate(p, join(ROOT, "bin", "tunnelc.cjs"));
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(readFileSync(join(p.out, "a.service"), "utf8"), /FORGED/, what);
      assert.match(
        readFileSync(p.env.TUNNELC_KMSG, "utf8"),
        /^<4>tunnelc-generator\[\d+\]: .*generator\.memo: refused: .* writable by .*; not used, the specs are compiled$/m,
        what,
      );
      chmodSync(path, path === p.env.TUNNELC_KEPT_MEMO ? 0o600 : 0o700);
    }
  } finally {
    rmSync(pkg, { recursive: true, force: true });
    removePlaces(p);
  }
});

test("generator keep: keeps only a memo of the generator's form that root alone could write", (t) => {
  if (!needs(t, "root (the kept memo must be root's)", isRoot)) return;
  const p = places();
  const open = mkdtempSync(join(tmpdir(), "tunnelc-memo-open-"));
  try {
    // Nothing to keep: fine, nothing written.
    mkdirSync(p.out);
    const none = keep(p);
    assert.equal(none.status, 0, none.stderr);
    assert.match(none.stderr, /nothing to keep/);
    assert.ok(!existsSync(p.env.TUNNELC_KEPT_MEMO));
    // Not a memo: refused, exit 1, nothing written.
    writeFileSync(join(p.out, MEMO_FILE), "not a memo\n", { mode: 0o600 });
    const bad = tunnelc(["generator", "keep", "--from", p.out, "--json"], { env: p.env });
    assert.equal(bad.status, 1, bad.stderr);
    const env = JSON.parse(bad.stdout) as { ok: boolean; diagnostics: { code: string }[] };
    assert.equal(env.ok, false);
    assert.deepEqual(
      env.diagnostics.map((d) => d.code),
      ["generator/memo"],
    );
    assert.ok(!existsSync(p.env.TUNNELC_KEPT_MEMO));
    // A real memo, but in a directory anyone may write (below /tmp): refused.
    generate(p);
    copyFileSync(join(p.out, MEMO_FILE), join(open, MEMO_FILE));
    const r = tunnelc(["generator", "keep", "--from", open], { env: p.env });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /refused: the directory \/tmp is writable by its group and others/);
    assert.ok(!existsSync(p.env.TUNNELC_KEPT_MEMO));
    // Options that are not keep's, and keep's option elsewhere: usage errors, nothing done.
    for (const args of [
      ["generator", "keep", "--user"],
      ["generator", "keep", "--root", p.trusted],
      ["generator", "install", "--from", p.out, "--dry-run"],
    ]) {
      const u = tunnelc(args, { env: p.env });
      assert.equal(u.status, 2, `${args.join(" ")}: ${u.stderr}`);
    }
    assert.ok(!existsSync(p.env.TUNNELC_KEPT_MEMO));
  } finally {
    rmSync(open, { recursive: true, force: true });
    removePlaces(p);
  }
});

test("a memo is read whole only up to its bound: a larger one is refused unread, a small one is its own bytes", (t) => {
  if (!needs(t, "root (the memo must be root's)", isRoot)) return;
  const p = places();
  try {
    const file = join(p.trusted, "m");
    writeFileSync(file, "0123456789", { mode: 0o600 });
    const { gatherer } = edgeOf();
    const ask = (limit: number) => {
      const q = { kind: "root-file", path: file, limit } as const;
      return gatherer.gather([q]).get(q);
    };
    assert.deepEqual(ask(10).data, Buffer.from("0123456789"));
    assert.deepEqual(ask(9), { refused: "refused: larger than 9 bytes" });
    // Two small files read in one round each keep their own bytes (no shared scratch buffer).
    const other = join(p.trusted, "o");
    writeFileSync(other, "abc", { mode: 0o600 });
    const a = { kind: "root-file", path: file, limit: 10 } as const;
    const b = { kind: "root-file", path: other, limit: 10 } as const;
    const both = gatherer.gather([a, b]);
    assert.deepEqual(
      [both.get(a).data?.toString(), both.get(b).data?.toString()],
      ["0123456789", "abc"],
    );
    assert.equal(MAX_MEMO_BYTES, 64 * 1024 * 1024);
  } finally {
    removePlaces(p);
  }
});

test("a held memo: its first line whatever its length, the rest's checksum as read, the file kept open and refused as root-file refuses", (t) => {
  if (!needs(t, "root (the memo must be root's)", isRoot)) return;
  const p = places();
  try {
    const { gatherer } = edgeOf();
    const ask = (path: string, limit = MAX_MEMO_BYTES) => {
      const q = { kind: "memo-file", path, limit } as const;
      return gatherer.gather([q]).get(q);
    };
    // A first line longer than the reader's 256 KiB buffer, and a body across its windows.
    const header = `{"x":"${"h".repeat(300 * 1024)}"}`;
    const body = Buffer.from(Array.from({ length: 700 * 1024 }, (_, i) => (i * 31) & 0xff));
    const file = join(p.trusted, "m");
    writeFileSync(file, Buffer.concat([Buffer.from(`${header}\n`), body]), { mode: 0o600 });
    const held = ask(file).memo;
    assert.ok(held, "read");
    try {
      assert.equal(held.header, header);
      assert.equal(held.bodyStart, Buffer.byteLength(header) + 1);
      assert.equal(held.bodySize, body.length);
      assert.equal(held.check, checksum([body], body.length));
      // Read in several windows: its bytes are not kept, the replay reads them again.
      assert.equal(held.body, undefined);
      // Held: the same bytes read again through it, though the path is renamed over.
      writeFileSync(`${file}.new`, "other\n", { mode: 0o600 });
      renameSync(`${file}.new`, file);
      const again = Buffer.alloc(10);
      readSync(held.fd, again, 0, 10, held.bodyStart);
      assert.deepEqual(again, body.subarray(0, 10));
    } finally {
      closeSync(held.fd);
    }
    // A memo that fits in one read keeps the bytes it summed, and the replay writes those.
    const small = body.subarray(0, 1000);
    writeFileSync(file, Buffer.concat([Buffer.from("{}\n"), small]), { mode: 0o600 });
    const whole = ask(file).memo;
    assert.ok(whole, "read");
    closeSync(whole.fd);
    assert.deepEqual(whole.body, small);
    assert.equal(whole.check, checksum([small], small.length));
    // No first line: read, but nothing to replay; a bound, and an open directory: refused.
    writeFileSync(file, "no newline", { mode: 0o600 });
    const plain = ask(file).memo;
    assert.equal(plain?.header, undefined);
    if (plain) closeSync(plain.fd);
    assert.deepEqual(ask(file, 5), { refused: "refused: larger than 5 bytes" });
    chmodSync(p.trusted, 0o777);
    assert.match(ask(file).refused ?? "", /writable by its group and others/);
    chmodSync(p.trusted, 0o700);
    assert.deepEqual(ask(join(p.trusted, "none")), {});
  } finally {
    removePlaces(p);
  }
});

test("ranges of a held file are written byte for byte, across and larger than the reader's window", () => {
  const dir = mkdtempSync(join(tmpdir(), "tunnelc-ranges-"));
  try {
    const data = Buffer.from(
      Array.from({ length: 900 * 1024 }, (_, i) => (i * 7 + (i >> 9)) & 0xff),
    );
    const src = join(dir, "memo");
    writeFileSync(src, data);
    const fd = openSync(src, "r");
    try {
      // In order, as a memo's units are, then one out of order and one that is the whole file.
      const cuts = [
        [0, 100],
        [100, 262_000],
        [262_100, 300],
        [262_400, 400_000],
        [662_400, data.length - 662_400],
        [5, 17],
        [0, data.length],
      ] as const;
      applyFiles(
        cuts.map(([offset, size], i) => ({
          kind: "write",
          path: join(dir, `f${i}`),
          text: { fd, offset, size },
          mode: 0o644,
          atomic: false,
        })),
      );
      cuts.forEach(([offset, size], i) =>
        assert.ok(
          readFileSync(join(dir, `f${i}`)).equals(data.subarray(offset, offset + size)),
          `range ${i}`,
        ),
      );
      // A range past the end: the write fails, as a memo shorter than it says would.
      assert.throws(
        () =>
          applyFiles([
            {
              kind: "write",
              path: join(dir, "past"),
              text: { fd, offset: data.length - 10, size: 20 },
              mode: 0o644,
              atomic: false,
            },
          ]),
        /ended before the files it holds/,
      );
    } finally {
      closeSync(fd);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a file written in place has exactly its mode, whatever the umask, new or there before", () => {
  const dir = mkdtempSync(join(tmpdir(), "tunnelc-modes-"));
  const before = process.umask(0o022);
  try {
    for (const mask of [0o022, 0o077, 0o000, 0o277]) {
      process.umask(mask);
      const at = (n: string) => join(dir, `${mask.toString(8)}-${n}`);
      writeFileSync(at("old"), "x", { mode: 0o600 });
      chmodSync(at("old"), 0o600);
      applyFiles(
        (
          [
            ["unit", 0o644],
            ["status", 0o600],
            ["old", 0o644],
          ] as const
        ).map(([n, mode]) => ({ kind: "write", path: at(n), text: "t", mode, atomic: false })),
      );
      for (const [n, mode] of [
        ["unit", 0o644],
        ["status", 0o600],
        ["old", 0o644],
      ] as const)
        assert.equal(statSync(at(n)).mode & 0o7777, mode, `${n} under umask ${mask.toString(8)}`);
    }
  } finally {
    process.umask(before);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the kept memo's place is tunnelc's cache directory", () => {
  assert.equal(KEPT_MEMO, "/var/cache/tunnelc/generator.memo");
});
