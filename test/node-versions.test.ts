// The Node.js releases the target distributions ship (test/node-versions.json; CI fetches them
// with scripts/fetch-nodes.mjs): under each, the built command a user runs must give the same
// bytes as under this one — compile of every example and golden spec, validate's diagnostics,
// relay, ssh-config, the generator's files, help and --version. The bundles are what users run
// (tsx and the test runner are not), so they are what is held across versions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, ROOT } from "./helpers/paths.ts";
import { needs } from "./helpers/prereq.ts";

const VERSIONS = JSON.parse(readFileSync(join(ROOT, "test", "node-versions.json"), "utf8")) as {
  version: string;
  ships: string;
}[];
const CACHE = process.env.TUNNELC_NODE_CACHE ?? "/var/cache/tunnelc-node";

const examples = readdirSync(join(ROOT, "docs", "examples"))
  .filter((f) => f.endsWith(".json"))
  .map((f) => join(ROOT, "docs", "examples", f));
const goldens = readdirSync(join(ROOT, "test", "golden")).map((d) =>
  join(ROOT, "test", "golden", d, "spec.json"),
);
const fleet = join(ROOT, "docs", "examples", "fleet.json");

/** Every run compared: the arguments, and whether it writes the generator's files. */
const RUNS: string[][] = [
  ["--version"],
  ["--help"],
  ["compile", "--help"],
  ...[...examples, ...goldens].map((f) => ["compile", f, "-o", "-"]),
  ...goldens.map((f) => ["validate", f, "--json"]),
  ["relay", fleet],
  ["relay", fleet, "--sshd-config"],
  ["ssh-config", fleet],
  ["compile", join(ROOT, "test", "golden", "nope.json")],
  ["--jsn"],
];

interface Ran {
  args: string[];
  status: number | null;
  stdout: string;
  stderr: string;
}

/** What `node` prints for each run, and the generator's files over the examples (run by its script). */
function runAll(node: string): { runs: Ran[]; generated: Record<string, string> } {
  const env = { ...process.env, NO_COLOR: "", FORCE_COLOR: undefined, TUNNELC_KMSG: "/dev/null" };
  const runs = RUNS.map((args) => {
    const r = spawnSync(node, [CLI, ...args], { cwd: ROOT, encoding: "utf8", env });
    return { args, status: r.status, stdout: r.stdout, stderr: r.stderr };
  });
  const out = mkdtempSync(join(tmpdir(), "tunnelc-nodes-"));
  // As systemd runs it: the installed script, whose #! line has the kernel run this node with
  // the loader (src/generator/script.ts).
  const root = mkdtempSync(join(tmpdir(), "tunnelc-nodes-root-"));
  const install = ["generator", "install", "--root", root, "--node", node, "--bundle", CLI];
  assert.equal(spawnSync(process.execPath, [CLI, ...install]).status, 0);
  const script = join(root, "usr/lib/systemd/system-generators/tunnelc-generator");
  const g = spawnSync(script, ["--spec-dir", join(ROOT, "docs", "examples"), out, out, out], {
    encoding: "utf8",
    env,
  });
  rmSync(root, { recursive: true, force: true });
  const generated: Record<string, string> = { "(status)": `${g.status} ${g.stderr}` };
  for (const f of readdirSync(out, { recursive: true, encoding: "utf8" }).sort()) {
    const p = join(out, f);
    // The keeper's unit names the node that ran and the output directory, and the memo's key
    // both: each is there, its bytes are this run's own (test/generator-memo.test.ts).
    if (/tunnelc-generator-keep\.service$|tunnelc-generator\.memo$/.test(f)) {
      generated[f] = "(this run's own)";
      continue;
    }
    try {
      generated[f] = readFileSync(p, "utf8");
    } catch {
      generated[f] = "(directory)";
    }
  }
  rmSync(out, { recursive: true, force: true });
  return { runs, generated };
}

const reference = runAll(process.execPath);

test("the reference runs did what they should (so that equal means right)", () => {
  const by = (a: string) => reference.runs.find((r) => r.args.join(" ") === a)!;
  assert.equal(by("--version").status, 0);
  assert.ok(reference.runs.filter((r) => r.args[0] === "compile").length > 20);
  assert.equal(by(`compile ${examples[0]} -o -`).status, 0);
  assert.match(by(`compile ${examples[0]} -o -`).stdout, /^ExecStart=\/usr\/bin\/ssh /m);
  assert.equal(by("--jsn").status, 2);
  assert.ok(Object.keys(reference.generated).some((f) => f.endsWith(".service")));
});

for (const { version, ships } of VERSIONS) {
  test(`Node ${version} (${ships}): the same bytes as Node ${process.versions.node}`, (t) => {
    const node = join(CACHE, version, "bin", "node");
    if (!needs(t, `node ${version} in ${CACHE} (scripts/fetch-nodes.mjs)`, existsSync(node)))
      return;
    const got = runAll(node);
    got.runs.forEach((r, i) => assert.deepEqual(r, reference.runs[i], r.args.join(" ")));
    assert.deepEqual(got.generated, reference.generated);
  });
}
