// Reproducible builds (issue 19 §2): two builds of one commit give the same bytes, so the npm
// tarball's checksum is the same and a distribution's rebuild (Debian's and Arch's
// reproducibility checks) matches. The checkout is copied to two paths of different lengths and
// packed there (npm pack's prepack runs the whole build: the validator, the bundles, the notices,
// the V8 code caches), the second under another umask, time zone, locale, HOME and colour
// settings, as reproducibility checkers vary them. The checkout's own dist/ is not touched:
// other test files run it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gunzipSync } from "node:zlib";
import { ROOT } from "./helpers/paths.ts";

const work = mkdtempSync(join(tmpdir(), "tunnelc-repro-"));
const one = join(work, "a");
const other = join(work, "built", "somewhere", "else", "entirely");
/** Not copied: what the build writes, and what is not the source (.gitignore). */
const BUILT = new Set(["dist", "node_modules", ".git", "out", ".cache", "src/specfile/generated"]);

function checkout(dir: string): void {
  mkdirSync(dir, { recursive: true });
  cpSync(ROOT, dir, {
    recursive: true,
    filter: (src) => {
      const rel = relative(ROOT, src);
      return !BUILT.has(rel) && !rel.endsWith(".tgz");
    },
  });
  symlinkSync(realpathSync(join(ROOT, "node_modules")), join(dir, "node_modules"));
}

/** npm pack in DIR (prepack builds), under umask MASK; the tarball's bytes. */
function pack(dir: string, mask: string, env: NodeJS.ProcessEnv): Buffer {
  const dest = join(dir, "..", `packed-${mask}`);
  mkdirSync(dest, { recursive: true });
  const r = spawnSync(
    "sh",
    ["-c", `umask ${mask} && exec npm pack --silent --pack-destination "$1"`, "sh", dest],
    { cwd: dir, encoding: "utf8", env: { ...process.env, ...env } },
  );
  assert.equal(r.status, 0, r.stderr);
  const [tarball] = readdirSync(dest);
  assert.ok(tarball, `npm pack wrote nothing in ${dest}`);
  return readFileSync(join(dest, tarball));
}

interface Entry {
  name: string;
  mode: number;
  mtime: number;
  data: Buffer;
}

/** The entries of a gzipped ustar archive, as npm pack writes it (node-tar, no long names). */
function entries(tgz: Buffer): Entry[] {
  const tar = gunzipSync(tgz);
  const field = (h: Buffer, at: number, len: number) =>
    h
      .subarray(at, at + len)
      .toString("latin1")
      .replace(/\0.*$/s, "");
  const out: Entry[] = [];
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0;) {
    const h = tar.subarray(at, at + 512);
    const prefix = field(h, 345, 155);
    const name = (prefix ? `${prefix}/` : "") + field(h, 0, 100);
    const size = parseInt(field(h, 124, 12).trim(), 8);
    const data = tar.subarray(at + 512, at + 512 + size);
    out.push({
      name,
      mode: parseInt(field(h, 100, 8).trim(), 8),
      mtime: parseInt(field(h, 136, 12).trim(), 8),
      data,
    });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
let tarballs: [Buffer, Buffer];

before(() => {
  checkout(one);
  checkout(other);
  const home = join(work, "home");
  mkdirSync(home);
  tarballs = [
    pack(one, "022", {}),
    pack(other, "077", {
      HOME: home,
      TZ: "Pacific/Chatham",
      LANG: "fr_FR.UTF-8",
      NO_COLOR: "1",
      FORCE_COLOR: "3",
      COLUMNS: "37",
    }),
  ];
});

after(() => rmSync(work, { recursive: true, force: true }));

test("npm pack twice, at two paths, under two umasks and environments: byte-identical tarballs", () => {
  const [a, b] = tarballs.map(entries) as [Entry[], Entry[]];
  // Which files differ, and how, before the checksum: a bare hash mismatch says nothing.
  assert.deepEqual(
    b.map((e) => e.name),
    a.map((e) => e.name),
  );
  const differ = a.flatMap((e, i) => {
    const f = b[i]!;
    return [
      e.mode !== f.mode ? `${e.name}: mode ${e.mode.toString(8)} and ${f.mode.toString(8)}` : [],
      e.mtime !== f.mtime ? `${e.name}: mtime ${e.mtime} and ${f.mtime}` : [],
      e.data.equals(f.data) ? [] : `${e.name}: other bytes`,
    ].flat();
  });
  assert.deepEqual(differ, []);
  assert.equal(sha(tarballs[1]), sha(tarballs[0]));
});

test("every file of dist/ and the generated validator: the same bytes in both builds", () => {
  for (const dir of ["dist", "src/specfile/generated"]) {
    const names = readdirSync(join(one, dir)).sort();
    assert.deepEqual(readdirSync(join(other, dir)).sort(), names, dir);
    for (const f of names)
      assert.ok(
        readFileSync(join(one, dir, f)).equals(readFileSync(join(other, dir, f))),
        `${dir}/${f} differs between two builds`,
      );
  }
});

test("the tarball still ships a code cache V8 accepts for each bundle, 0644, without the build's path", () => {
  const dist = entries(tarballs[0]).filter((e) => e.name.startsWith("package/dist/"));
  for (const e of dist) assert.equal(e.mode.toString(8), "644", e.name);
  // The CLI, compile's own bundle, and the generator in two: what every boot loads, and the
  // compiler it loads when its memo does not answer (docs/generator.md "Speed"); each cache at
  // least a good part of its bundle.
  for (const [bundle, least] of [
    ["cli.cjs", 100_000],
    ["compile.cjs", 100_000],
    ["generator.cjs", 30_000],
    ["generator-compile.cjs", 100_000],
  ] as const) {
    const cache = dist.find(
      (e) => e.name === `package/dist/${bundle}.${process.versions.v8}.cache`,
    );
    assert.ok(cache, `no code cache for ${bundle} in the tarball`);
    assert.ok(cache.data.length > least, `${bundle}'s cache: ${cache.data.length} bytes`);
    for (const path of [one, other, realpathSync(work)])
      assert.ok(!cache.data.includes(path), `${bundle}'s cache holds the build path ${path}`);
    // The bundle of the other build with this build's cache: the cache does not depend on where
    // it was made.
    const check = `const fs = require("node:fs"), vm = require("node:vm"), Module = require("node:module");
      const file = process.argv[1];
      const s = new vm.Script(Module.wrap(fs.readFileSync(file, "utf8")), { filename: file, cachedData: fs.readFileSync(0) });
      process.stdout.write(String(s.cachedDataRejected));`;
    const r = spawnSync(process.execPath, ["-e", check, join(other, "dist", bundle)], {
      input: cache.data,
      encoding: "utf8",
    });
    assert.deepEqual([r.status, r.stdout], [0, "false"], `${bundle}: ${r.stderr}`);
  }
});
