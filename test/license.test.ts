// tunnelc's license and the notices of what its bundles include (issue 19 §1): LICENSE says what
// package.json says; dist/THIRD-PARTY-NOTICES names every package the build bundled, with the
// license text that package ships, and the package a user installs carries both.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./helpers/paths.ts";

const read = (p: string) => readFileSync(join(ROOT, p), "utf8");

test("LICENSE is the MIT license package.json names", () => {
  assert.equal(JSON.parse(read("package.json")).license, "MIT");
  const text = read("LICENSE");
  assert.match(text, /^MIT License\n\nCopyright \(c\) \d{4} /);
  assert.match(text, /Permission is hereby granted, free of charge/);
});

/** The notices file's entries: name, version, license field, bundles, text. */
function notices(): { name: string; version: string; license: string; text: string }[] {
  const file = join(ROOT, "dist", "THIRD-PARTY-NOTICES");
  assert.ok(existsSync(file), "build first (npm run build)");
  const parts = readFileSync(file, "utf8")
    .split(/^==== /m)
    .slice(1);
  return parts.map((p) => {
    const [head, ...rest] = p.split("\n");
    const m = /^(\S+) (\S+) \((.+)\), in dist\/\S+/.exec(head!);
    assert.ok(m, `a notice header: ${head}`);
    return { name: m[1]!, version: m[2]!, license: m[3]!, text: rest.join("\n").trim() };
  });
}

test("THIRD-PARTY-NOTICES: each bundled package with the license text it ships", () => {
  const all = notices();
  assert.ok(all.length > 0);
  for (const n of all) {
    const dir = join(ROOT, "node_modules", n.name);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    assert.equal(pkg.version, n.version, n.name);
    assert.equal(pkg.license, n.license, n.name);
    const shipped = readdirSync(dir).filter((f) => /^(?:licen[cs]e|copying)/i.test(f));
    assert.ok(shipped.length > 0, `${n.name} ships a license file`);
    for (const f of shipped)
      assert.ok(
        n.text.includes(readFileSync(join(dir, f), "utf8").trim()),
        `${n.name}: ${f} is in the notices`,
      );
  }
});

test("THIRD-PARTY-NOTICES names every package src/ imports", () => {
  const names = new Set(notices().map((n) => n.name));
  const imported = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith(".ts"))
        for (const m of read(p).matchAll(/^import (?!type )[^;]*? from "([^".][^"]*)";/gms)) {
          const spec = m[1]!;
          if (spec.startsWith("node:")) continue;
          imported.add(
            spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!,
          );
        }
    }
  };
  walk("src");
  assert.ok(imported.size > 0, "no package imports found: the test reads nothing");
  for (const p of imported) assert.ok(names.has(p), `${p} is bundled without a notice`);
});

test("the package a user installs carries LICENSE and the notices", () => {
  const files = packed();
  assert.ok(files.includes("LICENSE"));
  assert.ok(files.includes("dist/THIRD-PARTY-NOTICES"));
});

/** The files `npm pack` would put in the package, from the tree as it is. */
function packed(): string[] {
  const r = spawnSync("npm", ["pack", "--dry-run", "--ignore-scripts", "--json"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
}

// The developers' pages (how the code is laid out, how it is tested and measured) stay in the
// repository; every other page of docs/ is for users and ships, and so does the API.
const DEV_DOCS = ["docs/architecture.md", "docs/testing.md", "docs/performance.md"];

test("the package carries the API and the user docs, not the developers' docs", () => {
  const files = packed();
  for (const f of ["dist/api.cjs", "dist/api.mjs", "dist/api.d.mts", "dist/api.d.cts"])
    assert.ok(files.includes(f), `${f} is not packed (npm run build first)`);
  const pages = readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`);
  for (const d of DEV_DOCS) assert.ok(pages.includes(d), `${d} is gone: update DEV_DOCS`);
  for (const page of pages)
    assert.equal(files.includes(page), !DEV_DOCS.includes(page), `${page} shipped or not`);
  assert.ok(files.some((f) => f.startsWith("docs/examples/")));
  // A link from a shipped page to another page of docs/ finds it in the package; README.md, also
  // the repository's front page, may link the developers' pages (under "Developing tunnelc").
  for (const page of ["README.md", ...files.filter((f) => /^docs\/[^/]+\.md$/.test(f))]) {
    const base = page === "README.md" ? "" : "docs/";
    for (const m of read(page).matchAll(/\]\(((?:docs\/)?[\w-]+\.md)(?:#[\w-]*)?\)/g)) {
      const target = m[1]!.startsWith("docs/") ? m[1]! : `${base}${m[1]}`;
      const devLink = page === "README.md" && DEV_DOCS.includes(target);
      assert.ok(devLink || files.includes(target), `${page} links to ${target}, not packed`);
    }
  }
});
