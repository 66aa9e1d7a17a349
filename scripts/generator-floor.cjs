// The floor under bench (f): what any Node generator pays before compiling anything. It starts
// node, reads every spec, parses it with JSON.parse, and writes a unit of the real one's size and
// its .wants link, as the generator does. Run by scripts/bench.mjs; prints nothing.
// Usage: node generator-floor.cjs SPEC_DIR UNIT_FILE OUT_DIR
"use strict";
const {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeSync,
} = require("node:fs");
const { join } = require("node:path");

const [specDir, unitFile, out] = process.argv.slice(2);
const unit = readFileSync(unitFile, "utf8");
const wants = join(out, "multi-user.target.wants");
mkdirSync(wants, { recursive: true });
for (const file of readdirSync(specDir).sort()) {
  const spec = JSON.parse(readFileSync(join(specDir, file), "utf8"));
  const name = `${spec.name}.service`;
  const fd = openSync(join(out, name), "w", 0o644);
  writeSync(fd, unit);
  closeSync(fd);
  symlinkSync(`../${name}`, join(wants, name));
}
