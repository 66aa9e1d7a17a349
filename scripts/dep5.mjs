// node scripts/dep5.mjs > debian/copyright, in an unpacked release tarball: Debian's
// machine-readable copyright file (DEP-5, https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/)
// for tunnelc and every package the tarball vendors under node_modules/ (scripts/release-tarball.mjs),
// each with its copyright lines and license as the package ships them, so the file never lists a
// package the source lacks nor misses one it carries.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { BUILD_TOOLS, RUNTIME, closure } from "./release-tarball.mjs";

// npm's SPDX names → DEP-5's short names (copyright-format 1.0, "License specification").
const SHORT = { MIT: "Expat", ISC: "ISC", "BSD-3-Clause": "BSD-3-clause" };
const LICENSE_FILE = /^(?:licen[cs]e|copying)(?:[.-].*)?$/i;

function licenseText(dir) {
  const f = readdirSync(dir).find((n) => LICENSE_FILE.test(n));
  return f === undefined ? undefined : readFileSync(join(dir, f), "utf8");
}

function copyrights(text, pkg) {
  const lines = (text ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter(
      (l) => /^(?:\(c\)\s*)?copyright\b/i.test(l) && !/copyright (?:notice|holder|owner)/i.test(l),
    )
    .map((l) => l.replace(/^(?:\(c\)\s*)?copyright\s*(?:\(c\)|©)?\s*/i, ""));
  if (lines.length > 0) return [...new Set(lines)];
  const author = typeof pkg.author === "string" ? pkg.author : pkg.author?.name;
  return [author ?? `the ${pkg.name} authors`];
}

/** The body of a standalone License paragraph: each line indented, blank lines as " .". */
const body = (text) =>
  text
    .trim()
    .split("\n")
    .map((l) => (l.trim() === "" ? " ." : ` ${l.trimEnd()}`))
    .join("\n");

const own = JSON.parse(readFileSync("package.json", "utf8"));
const stanzas = [
  [
    "Files: *",
    `Copyright: ${copyrights(readFileSync("LICENSE", "utf8"), own).join("\n           ")}`,
    `License: ${SHORT[own.license]}`,
  ].join("\n"),
];
const texts = new Map([[SHORT[own.license], readFileSync("LICENSE", "utf8")]]);
for (const dir of closure([...BUILD_TOOLS, ...RUNTIME])) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const short = SHORT[pkg.license];
  if (short === undefined) throw new Error(`${dir}: no DEP-5 name for ${pkg.license}`);
  const text = licenseText(dir);
  stanzas.push(
    [
      `Files: ${dir}/*`,
      `Copyright: ${copyrights(text, pkg).join("\n           ")}`,
      `License: ${short}`,
      `Comment: ${pkg.name} ${pkg.version}`,
    ].join("\n"),
  );
  if (!texts.has(short) && text !== undefined) texts.set(short, text);
}
const licenses = [...texts].sort(([a], [b]) => (a < b ? -1 : 1));
process.stdout.write(
  [
    [
      "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/",
      `Upstream-Name: ${own.name}`,
      "Comment: The binary package's bundles (dist/cli.cjs, dist/compile.cjs,",
      " dist/generator.cjs, dist/generator-compile.cjs) are built from src/ and the packages",
      " below node_modules/;",
      " /usr/share/doc/tunnelc/THIRD-PARTY-NOTICES",
      " lists which bundle holds which package, with each one's license text.",
    ].join("\n"),
    ...stanzas,
    ...licenses.map(([short, text]) => `License: ${short}\n${body(text)}`),
  ].join("\n\n") + "\n",
);
