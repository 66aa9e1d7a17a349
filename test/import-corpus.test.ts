// The proof of import (docs/import.md): every case of the public corpus in test/import-corpus
// is imported with the built CLI, and for each import that succeeds, the compiled unit's
// ExecStart=, read back by systemd's own parser, means to OpenSSH (`ssh -G`) what the original
// meant, except in the keywords the import reported changing. Each case's outcome (exact, with
// reported changes, refused with a reason), spec and report are golden (UPDATE_GOLDEN=1).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { tunnelc } from "./helpers/run-cli.ts";
import { hasTool, needs } from "./helpers/prereq.ts";
import { dumpCommandLines, hasSystemdTest } from "./helpers/systemd.ts";

const CORPUS = join(import.meta.dirname, "import-corpus");
const EXPECTED = join(CORPUS, "expected");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

interface Case {
  id: string;
  source: { repository: string; path: string; commit: string };
  kind: "unit" | "template" | "autossh" | "ssh-config" | "command-line";
  note: string;
  /** The files of the case, restated; "root/…" is what the unit reads by absolute path. */
  files: Record<string, string>;
  invocation: string[];
}

interface Change {
  kind: string;
  what: string;
  keys: string[];
}

interface Envelope {
  ok: boolean;
  spec?: { name?: string; tunnels?: { name: string }[]; identity?: string };
  changes?: Change[];
  original?: { name: string; sshG: string[] }[];
  diagnostics: { code: string; message: string; line: number | null }[];
}

type Dump = Map<string, string[]>;

function sshG(args: string[], cwd: string): Dump {
  const r = spawnSync("ssh", ["-G", ...args], { cwd, encoding: "utf8" });
  assert.equal(r.status, 0, `ssh -G ${args.join(" ")}: ${r.stderr}`);
  const out: Dump = new Map();
  for (const line of r.stdout.split("\n").filter(Boolean)) {
    const [k = "", ...v] = line.split(" ");
    out.set(k, [...(out.get(k) ?? []), v.join(" ")]);
  }
  return out;
}

/** ssh's own words of the compiled ExecStart=, without what acts outside ssh -G (-E, -y, -F, -i). */
function compiledArgs(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const w = argv[i] as string;
    if (["-E", "-F", "-i"].includes(w)) i++;
    else if (w !== "-y") out.push(w);
  }
  return out;
}

const cases = JSON.parse(readFileSync(join(CORPUS, "cases.json"), "utf8")) as Case[];

const counts = { exact: 0, changed: 0, refused: 0 };

test("the corpus is there and names its sources", () => {
  assert.ok(cases.length >= 30, `${cases.length} cases`);
  assert.equal(new Set(cases.map((c) => c.id)).size, cases.length, "ids are unique");
  for (const c of cases) {
    assert.match(c.source.commit, /^[0-9a-f]{40}$/, c.id);
    assert.match(c.source.repository, /^[^/\s]+\/[^/\s]+$/, c.id);
    assert.ok(c.source.path.length > 0 && c.note.length > 0, c.id);
    assert.equal(c.invocation[0], "import", c.id);
  }
  // No golden without its case.
  for (const f of readdirSync(EXPECTED))
    assert.ok(
      cases.some((c) => `${c.id}.json` === f),
      `${f} has no case`,
    );
});

for (const k of cases) {
  const c = k.id;
  test(`import round trip: ${c} (${k.kind})`, (t) => {
    if (!needs(t, "ssh (OpenSSH's ssh -G)", hasTool("ssh", ["-V"]))) return;
    if (!needs(t, "systemd --test (systemd's own parser)", hasSystemdTest())) return;
    const dir = mkdtempSync(join(tmpdir(), "tunnelc-import-case-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    for (const [name, text] of Object.entries(k.files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text, { mode: 0o600 });
    }
    const root = Object.keys(k.files).some((f) => f.startsWith("root/")) ? ["--root", "root"] : [];
    // A fixed home: "~" in a command line or config is the importing account's (docs/import.md).
    const home = { HOME: "/home/importer" };
    const [, ...rest] = k.invocation;
    const r = tunnelc(["import", "--json", ...root, ...rest], { cwd: dir, env: home });
    const env = JSON.parse(r.stdout) as Envelope;
    const changes = env.changes ?? [];
    const outcome = !env.ok
      ? "refused"
      : changes.some((x) => x.kind !== "added")
        ? "changed"
        : "exact";
    counts[outcome]++;
    const got = {
      outcome,
      ...(env.ok && { spec: env.spec }),
      report: changes.map((x) => `${x.kind}: ${x.what}`),
      problems: env.diagnostics.map((d) => `${d.code} (line ${d.line ?? "-"}): ${d.message}`),
    };
    const golden = join(EXPECTED, `${c}.json`);
    mkdirSync(EXPECTED, { recursive: true });
    if (UPDATE || !existsSync(golden)) writeFileSync(golden, `${JSON.stringify(got, null, 2)}\n`);
    assert.deepEqual(got, JSON.parse(readFileSync(golden, "utf8")));
    if (!env.ok) {
      assert.equal(r.status, 1, r.stderr);
      assert.ok(env.diagnostics.length > 0);
      return;
    }
    assert.equal(r.status, 0, r.stderr);
    // The compiled units, read back by systemd.
    const tmp = mkdtempSync(join(tmpdir(), "tunnelc-import-rt-"));
    // systemd --test reads the units as nobody (test/helpers/systemd.ts).
    chmodSync(tmp, 0o755);
    try {
      writeFileSync(join(tmp, "spec.json"), JSON.stringify(env.spec));
      const compiled = tunnelc(["compile", join(tmp, "spec.json"), "-o", join(tmp, "units")]);
      assert.equal(compiled.status, 0, compiled.stderr);
      // One original per tunnel of the spec, or the round trip below would check nothing.
      const tunnels = env.spec?.tunnels ?? [env.spec];
      assert.equal(env.original?.length, tunnels.length, "the envelope names each original");
      const names = (env.original ?? []).map((o) => `${o.name}.service`);
      const lines = dumpCommandLines(join(tmp, "units"), names);
      for (const o of env.original ?? []) {
        const exec = (lines.get(`${o.name}.service`) ?? []).find((a) => a.includes("-N"));
        assert.ok(exec, `${o.name}: no ExecStart with -N`);
        const before = sshG(o.sshG, dir);
        const after = sshG(["-F", "/dev/null", ...compiledArgs(exec)], dir);
        const reported = new Set(changes.flatMap((x) => x.keys));
        const keys = new Set([...before.keys(), ...after.keys()]);
        for (const k of keys) {
          if (k === "host") continue;
          const same = JSON.stringify(before.get(k)) === JSON.stringify(after.get(k));
          assert.ok(
            same || reported.has(k),
            `${c}: ${k} differs (${JSON.stringify(before.get(k))} → ${JSON.stringify(after.get(k))}) and the import did not report it`,
          );
        }
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}

test("the corpus counts", () => {
  // Printed for docs/import.md and the closing note; the outcomes themselves are golden above.
  console.log(
    `import corpus: ${cases.length} cases: ${counts.exact} imported exactly, ${counts.changed} with reported changes, ${counts.refused} refused with a reason`,
  );
  assert.equal(counts.exact + counts.changed + counts.refused, cases.length);
});
