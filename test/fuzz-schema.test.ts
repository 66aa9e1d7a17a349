// Specs built from the schema itself (test/helpers/schema-arbitrary.ts), not only mutated bytes
// (test/fuzz.test.ts): every field the schema has is fuzzed, with its edge values, without
// editing this test. Each spec goes through validate (buildModel) and compile (renderUnits);
// every accepted unit through systemd's own parser, `systemd-analyze verify` and `systemd
// --test` (its ExecStart must read back as the argv meant), in batches; and each batch through
// the generator (planGeneration), whose units systemd must load too and which must lose no spec
// for another's sake. A failure is an exception (an internal error, exit 3), a spec validate
// accepts that compile cannot render, a unit line over systemd's limit, or a unit systemd warns
// about or reads otherwise. FUZZ_SEED and FUZZ_RUNS vary it locally (docs/testing.md).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { buildModel } from "../src/model/build-model.ts";
import { renderUnits, type CompiledUnit } from "../src/render/units.ts";
import { expectedCommands } from "./helpers/unit-commands.ts";
import { planGeneration, type GenerationPlan } from "../src/generator/plan.ts";
import { gathererFor } from "../src/edge/read.ts";
import { SYSTEM_UNIT_DIRS, unitDirQueries, unitNamesOf } from "../src/install/search-path.ts";
import { intendedNames } from "../src/generator/broken.ts";
import { withDefaults } from "../src/specfile/merge-defaults.ts";
import { ALLOWED_SSH_OPTIONS, REFUSED_SSH_OPTIONS } from "../src/model/ssh-options.ts";
import type { Tunnel } from "../src/model/tunnel.ts";
import { arbitraryFromSchema, type Schema } from "./helpers/schema-arbitrary.ts";
import { needs } from "./helpers/prereq.ts";
import { ROOT } from "./helpers/paths.ts";
import { tunnelc } from "./helpers/run-cli.ts";
import {
  dumpCommandLines,
  hasSystemdAnalyze,
  hasSystemdTest,
  verifyUnits,
  withUnitDir,
} from "./helpers/systemd.ts";

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261203;
/** Specs in all (about as many run; the batches vary in size): about 35 s on two busy cores. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 6000);
const BATCH = 150;
/** systemd's LONG_LINE_MAX (src/basic/def.h): a longer line and the unit does not load. */
const LINE_MAX = 1024 * 1024;
const SPEC_DIR = "/etc/tunnelc";
/** Longer than this to validate one spec (a few megabytes at most) is a failure. */
const SLOW_MS = 5000;
let slowest = 0;

/** One generated spec, as far as it got. */
interface Fuzzed {
  file: string;
  text: string;
  /** Its tunnels as written (fleet defaults merged in). */
  tunnels: Record<string, unknown>[];
  ok: boolean;
  units: (CompiledUnit & { tunnel: Tunnel })[];
}

const longestLine = (text: string) => Math.max(...text.split("\n").map((l) => l.length));

/**
 * The schema, with what it leaves to other checks spelt out for the generator: "defaults" is any
 * object (the merged tunnels are checked against $defs/tunnel), and ssh.options takes any name
 * (the allow-list is src/model/ssh-options.ts). A moved field fails here, not silently.
 */
function fuzzSchema(): Schema {
  const schema = JSON.parse(
    readFileSync(join(ROOT, "schemas", "tunnel.schema.json"), "utf8"),
  ) as Schema;
  const defs = schema.$defs as Record<string, Schema>;
  const at = (path: string[]): Schema =>
    path.reduce((node, key) => {
      const next = node[key] as Schema | undefined;
      assert.ok(next, `the schema has no ${path.join("/")}: update fuzzSchema()`);
      return next;
    }, schema);
  const { required: _, ...fields } = at(["$defs", "tunnel"]);
  defs.tunnelFields = fields;
  at(["$defs", "tunnelList", "properties", "defaults"]).$ref = "#/$defs/tunnelFields";
  const items = at(["$defs", "tunnelList", "then", "properties", "tunnels", "items"]);
  delete items.type;
  Object.assign(items, { $ref: "#/$defs/tunnelFields", required: ["name"] });
  const options = at(["$defs", "tunnel", "properties", "ssh", "properties", "options"]);
  const allowed = Object.keys(ALLOWED_SSH_OPTIONS);
  options.propertyNames = {
    enum: [
      ...allowed,
      ...allowed.map((n) => n.toLowerCase()),
      ...Object.keys(REFUSED_SSH_OPTIONS).slice(0, 4),
    ],
  };
  return schema;
}

const schemaArb = arbitraryFromSchema(fuzzSchema(), { maxObjects: 24 });
/**
 * Half of the specs are ones validate accepts: the rules beyond the schema (an identity for a
 * dynamic account, one bind per port, ...) refuse most fleets, and only an accepted spec reaches
 * compile, systemd and a generated unit. Each is written pretty, minified or with tabs.
 */
const specArb = fc.tuple(
  fc.oneof(
    schemaArb,
    schemaArb.filter((v) => buildModel([{ file: "x.json", text: JSON.stringify(v) }]).ok),
  ),
  fc.constantFrom<(string | number)[]>([2], [], ["\t"]),
);

/** validate, then compile: an exception in either is an internal error (exit 3). */
function compileOne(file: string, [value, indent]: [unknown, (string | number)[]]): Fuzzed {
  const text = JSON.stringify(value, null, ...indent);
  const merged = withDefaults(value) ?? value;
  const raw = (merged ?? {}) as Record<string, unknown>;
  const tunnels = (Array.isArray(raw.tunnels) ? raw.tunnels : [raw]).filter(
    (t): t is Record<string, unknown> => typeof t === "object" && t !== null,
  );
  const base = { file, text, tunnels, ok: false, units: [] };
  let model;
  const started = performance.now();
  try {
    model = buildModel([{ file, text }]);
  } catch (e) {
    return assert.fail(`validate threw on ${file}: ${String(e)}\n${text}`);
  }
  // The generator runs this at boot, under systemd's timeout: no spec may take seconds.
  const ms = performance.now() - started;
  slowest = Math.max(slowest, ms);
  assert.ok(ms < SLOW_MS, `validate took ${Math.round(ms)} ms for ${text.length} bytes:\n${text}`);
  if (!model.ok) {
    for (const d of model.diagnostics.filter((x) => x.severity === "error")) {
      assert.ok(d.location.line >= 1 && d.location.column >= 1, `unlocated: ${d.message}`);
      assert.ok(d.message.length > 0);
    }
    return base;
  }
  let units: CompiledUnit[];
  try {
    const r = renderUnits(model, [{ file, text }]);
    assert.deepEqual(
      r.diagnostics,
      [],
      `validate accepts ${file} but compile refuses it:\n${text}`,
    );
    units = r.units;
  } catch (e) {
    return assert.fail(`validate accepts ${file} but compile throws: ${String(e)}\n${text}`);
  }
  const byName = new Map(model.tunnels.map((t) => [t.tunnel.name, t.tunnel]));
  const s = { ...base, ok: true, units: units.map((u) => ({ ...u, tunnel: byName.get(u.name)! })) };
  return s;
}

/** The first batch the generator took, for the real generator below. */
let corpus: Fuzzed[] = [];

/**
 * systemd-analyze verify's complaints, by unit file. The one it may make about a good unit: the
 * ssh binary of the spec does not exist on this machine — only when the path it names is the
 * spec's own (as systemd simplifies it), so a path systemd reads otherwise is still a failure.
 */
function verifyComplaints(files: Map<string, string>, sshPaths: Map<string, string>): string[] {
  return withUnitDir(Object.fromEntries(files), (dir) => {
    const v = verifyUnits([...files.keys()].map((f) => join(dir, f)));
    return v.output
      .split("\n")
      .filter((line) => line.trim() !== "")
      .filter((line) => {
        const m = /^(.+?): Command (.+) is not executable: No such file or directory$/.exec(line);
        return !(m && simplified(sshPaths.get(m[1]!) ?? "") === m[2]);
      });
  });
}

/** The path as systemd names it in a message (path_simplify(): no "//", no "." component). */
const simplified = (path: string) => path.replace(/\/\.(?=\/|$)/g, "").replace(/\/{2,}/g, "/");

/** Which spec a complaint is about, for the message. */
function blame(complaints: string[], specOf: Map<string, Fuzzed>): string {
  return complaints
    .map((c) => {
      const file = [...specOf.keys()].find((f) => c.includes(f));
      const spec = file ? specOf.get(file) : undefined;
      return `${c}\n${spec ? `  from ${spec.file}:\n${spec.text}` : ""}`;
    })
    .join("\n");
}

/** A batch's units through systemd: verify, and the ExecStart argv read back. */
function systemdAgrees(batch: Fuzzed[], oracles: Oracles): void {
  const files = new Map<string, string>();
  const sshPaths = new Map<string, string>();
  const specOf = new Map<string, Fuzzed>();
  const units: { file: string; tunnel: Tunnel }[] = [];
  batch.forEach((s, i) =>
    s.units.forEach((u) => {
      const file = `f${i}-${u.fileName}`;
      assert.ok(longestLine(u.text) <= LINE_MAX, `a line over ${LINE_MAX} bytes in ${file}`);
      files.set(file, u.text);
      sshPaths.set(file, u.tunnel.ssh.path);
      specOf.set(file, s);
      units.push({ file, tunnel: u.tunnel });
    }),
  );
  if (files.size === 0) return;
  if (oracles.verify) {
    const complaints = verifyComplaints(files, sshPaths);
    assert.equal(complaints.length, 0, blame(complaints, specOf));
  }
  if (!oracles.argv) return;
  const parsed = withUnitDir(Object.fromEntries(files), (dir) =>
    dumpCommandLines(dir, [...files.keys()]),
  );
  for (const { file, tunnel } of units) {
    const expected = expectedCommands(tunnel, {
      d: `/run/credentials/${file}`,
      S: "/var/lib",
      t: "/run",
    });
    assert.deepEqual(parsed.get(file), expected, blame([file], specOf));
  }
}

/**
 * The batch through the generator, as at boot: nothing thrown; each spec keeps exactly the
 * outcome it has alone (a good one its system units, a broken one its units that report the
 * errors), so no spec is lost for another's sake; and every unit it writes loads in systemd.
 */
function generatorAgrees(batch: Fuzzed[], oracles: Oracles): Fuzzed[] {
  // Tunnel names are one namespace across files (a name in two specs is an error in both): keep
  // one spec per name in a batch, broken ones included.
  const names = new Set<string>();
  const specs = batch.filter((s) => {
    const own = [...s.units.map((u) => u.name), ...intendedNames(s)];
    if (own.some((n) => names.has(n))) return false;
    own.forEach((n) => names.add(n));
    return true;
  });
  const texts = specs.map((s) => ({ file: join(SPEC_DIR, s.file), text: s.text }));
  for (const scope of ["system", "user"] as const) {
    const normalDir = scope === "user" ? "/run/user/0/systemd/generator" : "/run/systemd/generator";
    let plan: GenerationPlan;
    try {
      plan = planGeneration([{ dir: SPEC_DIR, specs: texts }], {
        user: scope === "user",
        normalDir,
      });
    } catch (e) {
      assert.fail(
        `the ${scope} generator threw: ${String(e)}\n${texts.map((t) => t.text).join("\n")}`,
      );
    }
    for (const [i, s] of specs.entries()) {
      const out = plan.specs.find((o) => o.file === texts[i]!.file);
      assert.ok(out, `the ${scope} generator lost ${s.file}`);
      if (!s.ok) {
        assert.equal(out.ok, false, `${s.file} is broken alone but not in the ${scope} generator`);
        continue;
      }
      const own = s.units.filter((u) => u.scope === scope).map((u) => u.fileName);
      assert.equal(
        out.ok,
        true,
        `${s.file} compiles alone but the ${scope} generator calls it broken`,
      );
      assert.deepEqual(out.units, own, `${s.file}: its units in the ${scope} generator\n${s.text}`);
    }
    const units = plan.files.filter((f) => f.path.endsWith(".service"));
    if (oracles.verify && units.length > 0) {
      const files = new Map(units.map((f) => [f.path.slice(normalDir.length + 1), f.text]));
      const sshPaths = new Map(
        specs.flatMap((s) => s.units.map((u) => [u.fileName, u.tunnel.ssh.path] as const)),
      );
      const specOf = new Map(
        specs.flatMap((s, i) => [
          ...s.units.map((u) => [u.fileName, s] as const),
          [texts[i]!.file, s] as const,
        ]),
      );
      const complaints = verifyComplaints(files, sshPaths);
      assert.equal(complaints.length, 0, blame(complaints, specOf));
    }
  }
  return specs;
}

interface Oracles {
  verify: boolean;
  argv: boolean;
}

test(`fuzz from the schema: ${RUNS} specs (seed ${SEED}) through validate, compile, systemd and the generator`, (t) => {
  const oracles = {
    verify: needs(t, "systemd-analyze", hasSystemdAnalyze()),
    argv: needs(t, "systemd --test and setpriv", hasSystemdTest()),
  };
  t.diagnostic(`seed ${SEED} (FUZZ_SEED), ${RUNS} specs (FUZZ_RUNS), batches of ${BATCH}`);
  let specs = 0;
  let accepted = 0;
  let units = 0;
  const started = Date.now();
  const run = fc.check(
    fc.property(fc.array(specArb, { minLength: 1, maxLength: BATCH, size: "max" }), (values) => {
      const batch = values.map((v, i) => compileOne(`s${i}.json`, v));
      systemdAgrees(batch, oracles);
      const generated = generatorAgrees(batch, oracles);
      if (corpus.length === 0) corpus = generated;
      specs += batch.length;
      accepted += batch.filter((s) => s.ok).length;
      units += batch.reduce((n, s) => n + s.units.length, 0);
    }),
    { seed: SEED, numRuns: Math.ceil((RUNS * 2) / BATCH) },
  );
  // The failure itself (it names the spec); fast-check's own report prints the whole batch.
  if (run.failed)
    assert.fail(
      `seed ${SEED}, path ${run.counterexamplePath}, shrunk ${run.numShrinks} times:\n${
        run.errorInstance instanceof Error ? run.errorInstance.message : String(run.errorInstance)
      }`,
    );
  t.diagnostic(
    `${specs} specs, ${accepted} accepted (${units} units), in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  t.diagnostic(`the slowest spec took ${Math.round(slowest)} ms to validate`);
  // The generator is useful only if most of what it makes passes validate.
  assert.ok(accepted > specs / 3, `only ${accepted} of ${specs} specs accepted`);
});

test("fuzz from the schema: the real generator writes what planGeneration plans for a fuzzed batch", () => {
  assert.ok(corpus.length > 0, "the fuzz test ran first");
  const work = mkdtempSync(join(tmpdir(), "tunnelc-fuzz-gen-"));
  try {
    const specs = join(work, "specs");
    const out = join(work, "out");
    writeFileSync(join(work, "kmsg"), "");
    const texts = corpus.map((s) => ({ file: join(specs, s.file), text: s.text }));
    mkdirs(specs, out);
    for (const t of texts) writeFileSync(t.file, t.text);
    // The generator's logging goes to a file of the test, never the machine's kernel log.
    const r = tunnelc(["generate", "--spec-dir", specs, out], {
      env: { TUNNELC_KMSG: join(work, "kmsg"), TUNNELC_JOURNAL_STREAM: join(work, "none") },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /internal error/);
    // The units this machine has, as the real generator lists them: a fuzzed name such as "ssh"
    // is refused when the host has that unit (generator/name-taken), and planned so here too.
    const facts = gathererFor().gather(unitDirQueries(SYSTEM_UNIT_DIRS));
    const plan = planGeneration([{ dir: specs, specs: texts }], {
      user: false,
      normalDir: out,
      systemUnits: unitNamesOf(facts, SYSTEM_UNIT_DIRS),
    });
    const written = new Map<string, string>();
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, e.name);
        // The keeper and its memo are the run's, not the plan's (test/generator-memo.test.ts).
        if (e.name === "tunnelc-generator-keep.service" || e.name === "tunnelc-generator.memo")
          continue;
        if (e.isDirectory()) walk(path);
        else
          written.set(
            path,
            e.isSymbolicLink() ? `-> ${readlinkSync(path)}` : readFileSync(path, "utf8"),
          );
      }
    };
    walk(out);
    const planned = new Map([
      ...plan.files.map((f) => [f.path, f.text] as const),
      ...plan.links.map((l) => [l.path, `-> ${l.target}`] as const),
    ]);
    assert.deepEqual(written, planned);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

function mkdirs(...dirs: string[]): void {
  for (const d of dirs) mkdirSync(d, { recursive: true });
}
