// The one executor: effects in order, files atomic and staged, commands through the Runner, a
// tolerated failure a warning, any other failure a SystemError naming what failed.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execute } from "../src/edge/execute.ts";
import { applyFiles } from "../src/edge/apply-files.ts";
import { describe, type Effect, type FileEffect } from "../src/edge/plan.ts";
import { SystemError } from "../src/errors.ts";
import { keyEffects } from "../src/keygen/generate.ts";
import type { Runner } from "../src/edge/systemctl.ts";

/** Records each call, with what the unit file held at that moment; fails the argv it is told. */
class Recorder implements Runner {
  calls: string[][] = [];
  constructor(private readonly failing: string[] = []) {}
  run(argv: string[]) {
    this.calls.push(argv);
    const fails = this.failing.includes(argv[1] ?? "");
    return { status: fails ? 1 : 0, stdout: "", stderr: fails ? "boom" : "" };
  }
}

const tmp = () => mkdtempSync(join(tmpdir(), "tunnelc-execute-"));

test("effects run in order: the directory, staged writes, then the commands", () => {
  const root = tmp();
  const dir = join(root, "units");
  const staging = join(root, ".staging");
  const r = new Recorder(["reset-failed"]);
  const effects: Effect[] = [
    { kind: "mkdir", path: dir },
    {
      kind: "write",
      path: join(dir, "a.service"),
      text: "A\n",
      mode: 0o644,
      durable: true,
      staging,
    },
    { kind: "run", argv: ["systemctl", "daemon-reload"] },
    { kind: "run", argv: ["systemctl", "reset-failed", "a.service"], tolerate: true },
  ];
  const done = execute(effects, r);
  assert.equal(readFileSync(join(dir, "a.service"), "utf8"), "A\n");
  assert.equal(statSync(join(dir, "a.service")).mode & 0o777, 0o644);
  assert.equal(existsSync(staging), false, "staging is removed once the files are in place");
  assert.deepEqual(r.calls, [
    ["systemctl", "daemon-reload"],
    ["systemctl", "reset-failed", "a.service"],
  ]);
  assert.deepEqual(done.warnings, ["systemctl reset-failed a.service: boom"]);
});

test("a remove, then a failing command that is not tolerated: a SystemError, nothing after it", () => {
  const root = tmp();
  writeFileSync(join(root, "gone"), "x");
  const r = new Recorder(["disable"]);
  assert.throws(
    () =>
      execute(
        [
          { kind: "remove", path: join(root, "gone") },
          { kind: "run", argv: ["systemctl", "disable", "a.service"] },
          { kind: "run", argv: ["systemctl", "daemon-reload"] },
        ],
        r,
      ),
    (e) => e instanceof SystemError && e.code === "system/command" && e.detail === "boom",
  );
  assert.equal(existsSync(join(root, "gone")), false);
  assert.equal(r.calls.length, 1);
});

test("a write that cannot happen: a SystemError with the effect's own failure message", () => {
  const root = tmp();
  writeFileSync(join(root, "file"), "");
  const path = join(root, "file", "a.service");
  const write: Effect = { kind: "write", path, text: "", mode: 0o644, durable: false };
  assert.throws(() => execute([write], new Recorder()), {
    message: new RegExp(`^cannot write ${path}: `),
  });
  assert.throws(() => execute([{ ...write, failure: "cannot write units to X" }], new Recorder()), {
    message: /^cannot write units to X: /,
  });
});

const DESCRIBED: [Effect, string, string][] = [
  [{ kind: "mkdir", path: "/d" }, "created /d", "would create /d"],
  [
    { kind: "write", path: "/d/a", text: "", mode: 0o644, durable: true },
    "wrote /d/a",
    "would write /d/a",
  ],
  [
    { kind: "write", path: "/d/b", text: "", mode: 0o644, atomic: false },
    "wrote /d/b",
    "would write /d/b",
  ],
  [{ kind: "remove", path: "/d/a" }, "removed /d/a", "would remove /d/a"],
  [
    { kind: "link", path: "/d/x.wants/a", target: "../a" },
    "linked /d/x.wants/a -> ../a",
    "would link /d/x.wants/a -> ../a",
  ],
  [
    { kind: "run", argv: ["systemctl", "daemon-reload"] },
    "systemctl daemon-reload",
    "would run: systemctl daemon-reload",
  ],
];

for (const [effect, done, dry] of DESCRIBED)
  test(`describe ${describe(effect, true)}`, () => {
    assert.equal(describe(effect, false), done);
    assert.equal(describe(effect, true), dry);
  });

test("mkdir with a mode and chmod set exactly that mode", () => {
  const root = tmp();
  const dir = join(root, "keys");
  writeFileSync(join(root, "k"), "");
  execute(
    [
      { kind: "mkdir", path: dir, mode: 0o700 },
      { kind: "chmod", path: join(root, "k"), mode: 0o600 },
    ],
    new Recorder(),
  );
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(root, "k")).mode & 0o777, 0o600);
});

test("keygen's plan: the private directory, the old pair gone with --force, ssh-keygen, 0600", () => {
  const effects = keyEffects({ file: "/r/keys/a", comment: "c", force: true });
  assert.deepEqual(
    effects.map((e) => describe(e, true)),
    [
      "would create /r",
      "would create /r/keys",
      "would remove /r/keys/a",
      "would remove /r/keys/a.pub",
      "would run: ssh-keygen -t ed25519 -N  -C c -f /r/keys/a -q",
      "would set the mode of /r/keys/a",
    ],
  );
  assert.deepEqual(
    keyEffects({ file: "/r/keys/a", comment: "c", force: false }).filter(
      (e) => e.kind === "remove",
    ),
    [],
  );
});

/** What a directory holds after the effects: each name, with a link's target or a file's text. */
function contents(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .sort()
    .map((name) => {
      const p = join(dir, name);
      const st = lstatSync(p);
      if (st.isDirectory()) return `${name}/`;
      if (st.isSymbolicLink()) return `${name} -> ${readlinkSync(p)}`;
      return `${name}: ${readFileSync(p, "utf8")}`;
    });
}

// The file side alone, as the generator uses it: in-place writes and links, over what a
// previous run left (a manual run may reuse an output directory).
const FILE_CASES: {
  name: string;
  before?: (root: string) => void;
  effects: (root: string) => FileEffect[];
  after: string[];
}[] = [
  {
    name: "an in-place write: the text, no temp file beside it",
    effects: (r) => [
      { kind: "mkdir", path: join(r, "out") },
      { kind: "write", path: join(r, "out", "a"), text: "A\n", mode: 0o644, atomic: false },
    ],
    after: ["out/", "out/a: A\n"],
  },
  {
    name: "an in-place write over a longer file: truncated to the new text",
    before: (r) => writeFileSync(join(r, "a"), "old and longer\n"),
    effects: (r) => [
      { kind: "write", path: join(r, "a"), text: "new\n", mode: 0o644, atomic: false },
    ],
    after: ["a: new\n"],
  },
  {
    name: "a non-ASCII text is written whole, as UTF-8",
    effects: (r) => [
      { kind: "write", path: join(r, "u"), text: "Tünnel ✓ 🚇\n", mode: 0o644, atomic: false },
    ],
    after: ["u: Tünnel ✓ 🚇\n"],
  },
  {
    name: "a link: relative, as given",
    effects: (r) => [
      { kind: "mkdir", path: join(r, "x.wants") },
      { kind: "link", path: join(r, "x.wants", "a"), target: "../a" },
    ],
    after: ["x.wants/", "x.wants/a -> ../a"],
  },
  {
    name: "a link replaces an old link of that name",
    before: (r) => symlinkSync("../old", join(r, "a")),
    effects: (r) => [{ kind: "link", path: join(r, "a"), target: "../new" }],
    after: ["a -> ../new"],
  },
  {
    name: "a link replaces a file of that name",
    before: (r) => writeFileSync(join(r, "a"), "x"),
    effects: (r) => [{ kind: "link", path: join(r, "a"), target: "../new" }],
    after: ["a -> ../new"],
  },
];

for (const c of FILE_CASES)
  test(`file applier: ${c.name}`, () => {
    const root = tmp();
    c.before?.(root);
    applyFiles(c.effects(root));
    assert.deepEqual(contents(root), c.after);
  });

test("an in-place write creates the file 0644 (less the umask) and makes no staging", () => {
  const root = tmp();
  const path = join(root, "a.service");
  applyFiles([{ kind: "write", path, text: "A\n", mode: 0o644, atomic: false }]);
  assert.equal(statSync(path).mode & 0o777, 0o644 & ~process.umask());
  assert.deepEqual(readdirSync(root), ["a.service"]);
});

test("a link or in-place write that cannot happen: a SystemError, nothing after it", () => {
  const root = tmp();
  writeFileSync(join(root, "file"), "");
  const under = join(root, "file", "a");
  for (const e of [
    { kind: "link", path: under, target: "../a" },
    { kind: "write", path: under, text: "", mode: 0o644, atomic: false },
  ] as const) {
    assert.throws(() => applyFiles([e]), {
      message: new RegExp(`^cannot ${e.kind} ${under}: `),
    });
    assert.throws(
      () => execute([{ ...e, failure: "X" }], new Recorder()),
      (err) => {
        assert.ok(err instanceof SystemError);
        assert.match(err.message, /^X: /);
        return true;
      },
    );
  }
  mkdirSync(join(root, "d"));
  assert.throws(() =>
    applyFiles([
      { kind: "link", path: under, target: "x" },
      { kind: "write", path: join(root, "d", "b"), text: "", mode: 0o644, atomic: false },
    ]),
  );
  assert.deepEqual(readdirSync(join(root, "d")), [], "nothing after the failure");
});
