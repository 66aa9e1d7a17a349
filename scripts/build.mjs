// The build: the standalone schema validator, then one bundled ES module for the CLI.
import { execFileSync } from "node:child_process";
import { build } from "esbuild";

execFileSync(process.execPath, ["scripts/build-validator.mjs"], { stdio: "inherit" });
await build({
  entryPoints: ["src/cli.ts"],
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  // jsonc-parser's "main" is a UMD build whose dynamic requires a bundle cannot follow.
  mainFields: ["module", "main"],
  outfile: "dist/cli.js",
  // Bundled CommonJS (the generated validator, yargs) needs a real require in an ES module.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  legalComments: "none",
  logLevel: "warning",
});
