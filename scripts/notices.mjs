// dist/THIRD-PARTY-NOTICES: the license of every package the build bundles, from the bundles'
// own inputs (esbuild's metafile), so a notice is never missing for code that ships and never
// listed for code that does not. The minified bundles carry no license comments
// (legalComments: "none"); this file does, as MIT, ISC and BSD require of copies.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

export const NOTICES = "dist/THIRD-PARTY-NOTICES";

/** The package directories (node_modules/NAME, nested ones too) a metafile's inputs come from. */
export function bundledPackages(metafile) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const at = input.lastIndexOf("node_modules/");
    if (at < 0) continue;
    const m = /^node_modules\/(?:@[^/]+\/)?[^/]+/.exec(input.slice(at));
    if (m) dirs.add(input.slice(0, at) + m[0]);
  }
  return dirs;
}

const LICENSE_FILE = /^(?:licen[cs]e|copying)(?:[.-].*)?$/i;

/** One package's name, version, license field and license text. */
export function packageNotice(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const files = readdirSync(dir)
    .filter((f) => LICENSE_FILE.test(f))
    .sort();
  if (files.length === 0) throw new Error(`${dir}: no license file to ship with the bundle`);
  const text = files.map((f) => readFileSync(join(dir, f), "utf8").trim()).join("\n\n");
  return { name: pkg.name, version: pkg.version, license: pkg.license, text };
}

/** The file's text: bundle by bundle which packages it holds, then each package's license. */
export function noticesText(bundles) {
  const where = new Map();
  for (const [bundle, metafile] of bundles)
    for (const dir of bundledPackages(metafile))
      where.set(dir, [...(where.get(dir) ?? []), bundle]);
  const notices = [...where.keys()]
    .map((dir) => ({ ...packageNotice(dir), bundles: where.get(dir) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : 1));
  return [
    `tunnelc's bundles (${bundles.map(([b]) => b).join(", ")}) include these packages. Their`,
    "licenses follow, each as the package ships it. tunnelc's own license is LICENSE.",
    "",
    ...notices.flatMap((n) => [
      `==== ${n.name} ${n.version} (${n.license}), in ${n.bundles.join(", ")}`,
      "",
      n.text,
      "",
    ]),
  ].join("\n");
}
