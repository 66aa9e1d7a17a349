// Regenerates units/ from docs/examples/*.json with the built CLI (npm run build first).
// test/examples.test.ts fails when units/ is stale.
import { execFileSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";

for (const f of readdirSync("units")) if (f.endsWith(".service")) rmSync(`units/${f}`);
const specs = readdirSync("docs/examples")
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => `docs/examples/${f}`);
execFileSync(process.execPath, ["bin/tunnelc.cjs", "compile", ...specs, "-o", "units"], {
  stdio: "inherit",
});
