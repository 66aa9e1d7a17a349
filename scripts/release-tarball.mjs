// npm run release-tarball [-- OUTDIR]: tunnelc-VERSION.tar.gz, the source a distribution package
// builds from offline (docs/packaging.md, "tunnelc itself, as a package"). It carries the
// committed sources the build reads and, under node_modules/, the packages the build needs, as
// `npm ci` installed them: the build's own tools (esbuild, ajv for the standalone validator) and
// every package the bundles include (their sources: the bundles are built from them, never
// shipped prebuilt). Deterministic (reproducible-builds.org "Archives"): names sorted, every
// mtime the last commit's time (or SOURCE_DATE_EPOCH), owner and group 0, modes 0644/0755, gzip
// without a name or time stamp.
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** What the build imports from node_modules: scripts/build*.mjs's tools, then src/'s imports. */
export const BUILD_TOOLS = ["esbuild", "ajv"];
export const RUNTIME = ["diff", "ini", "jsonc-parser", "yargs"];

/** The repository's part: tracked files below these (user docs, not tests or CI). */
const REPO_PARTS = [
  "bin/",
  "docs/",
  "man/",
  "schemas/",
  "scripts/",
  "src/",
  "types/",
  "LICENSE",
  "README.md",
  "package.json",
  "package-lock.json",
];

/** npm's lookup: node_modules/NAME nested below `from`, else one level up, else the top. */
function locate(lock, name, from) {
  for (let dir = from; ;) {
    const at = `${dir ? `${dir}/` : ""}node_modules/${name}`;
    if (lock.packages[at] !== undefined && existsSync(at)) return at;
    if (!dir) return undefined;
    const up = dir.lastIndexOf("/node_modules/");
    dir = up < 0 ? "" : dir.slice(0, up);
  }
}

/** The installed packages the roots need, dependencies and present optional ones included. */
export function closure(roots) {
  const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
  const seen = new Set();
  const queue = roots.map((r) => [r, ""]);
  while (queue.length > 0) {
    const [name, from] = queue.shift();
    const at = locate(lock, name, from);
    if (at === undefined) {
      // An optional dependency of another platform (esbuild's @esbuild/*) is not installed.
      if (from === "" || !lock.packages[from]?.optionalDependencies?.[name])
        throw new Error(`${name} (needed by ${from || "the build"}) is not installed: npm ci`);
      continue;
    }
    if (seen.has(at)) continue;
    seen.add(at);
    const entry = lock.packages[at];
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies }))
      queue.push([dep, at]);
  }
  return [...seen].sort();
}

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = `${dir}/${name}`;
    const st = lstatSync(path);
    if (st.isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

export function tarballFiles() {
  const tracked = execFileSync("git", ["ls-files", "-z"], { encoding: "utf8" })
    .split("\0")
    .filter((f) => f && REPO_PARTS.some((p) => f === p || (p.endsWith("/") && f.startsWith(p))));
  const vendored = closure([...BUILD_TOOLS, ...RUNTIME]).flatMap((dir) => walk(dir, []));
  return [...tracked, ...vendored].sort();
}

if (import.meta.url === `file://${resolve(process.argv[1] ?? "")}`) {
  const outDir = resolve(process.argv[2] ?? ".");
  const { version } = JSON.parse(readFileSync("package.json", "utf8"));
  const epoch =
    process.env.SOURCE_DATE_EPOCH ??
    execFileSync("git", ["log", "-1", "--format=%ct"], { encoding: "utf8" }).trim();
  const list = join(outDir, `.tunnelc-${process.pid}.files`);
  writeFileSync(list, `${tarballFiles().join("\0")}\0`);
  const out = join(outDir, `tunnelc-${version}.tar.gz`);
  // GNU tar(1): --sort=name, --mtime, --owner/--group, --mode normalise what the checkout and
  // umask would otherwise vary; --no-recursion because the list names every file.
  execFileSync("sh", [
    "-c",
    `tar --create --format=gnu --null --no-recursion --files-from="$1" --sort=name \
--mtime="@$2" --owner=0 --group=0 --numeric-owner --mode=u+rw,go+r,go-w,a+X \
--transform="s,^,tunnelc-$3/," | gzip -9 -n >"$4" && rm -f "$1"`,
    "sh",
    list,
    epoch,
    version,
    out,
  ]);
  process.stdout.write(`${out}\n`);
}
