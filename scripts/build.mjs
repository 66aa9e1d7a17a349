// The build: the standalone schema validator, one bundled CommonJS file for the CLI, and a V8
// code cache for it (bin/tunnelc.cjs loads both; see docs/performance.md for why).
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { build } from "esbuild";

execFileSync(process.execPath, ["scripts/build-validator.mjs"], { stdio: "inherit" });
rmSync("dist", { recursive: true, force: true });
await build({
  entryPoints: ["src/cli.ts"],
  bundle: true,
  platform: "node",
  target: "node20",
  // CommonJS, not ESM: Node 20 can run a CommonJS script from a V8 code cache (vm.Script
  // cachedData), which halves start-up; it has no such cache for ES modules.
  format: "cjs",
  outfile: "dist/cli.cjs",
  // jsonc-parser's "main" is a UMD build whose dynamic requires a bundle cannot follow.
  mainFields: ["module", "main"],
  // yargs's ES module build lays help out with a stand-in for wrap-ansi that cuts lines every N
  // characters, mid-word; its CommonJS build uses wrap-ansi, which breaks between words.
  plugins: [
    {
      name: "yargs-commonjs",
      setup(b) {
        b.onResolve({ filter: /^yargs$/ }, (args) =>
          args.kind === "require-call"
            ? undefined
            : b.resolve("yargs", { kind: "require-call", resolveDir: args.resolveDir }),
        );
      },
    },
  ],
  legalComments: "none",
  minify: true,
  logLevel: "warning",
});
// Warm the code cache: run a compile through the loader and keep what V8 compiled.
execFileSync(
  process.execPath,
  ["bin/tunnelc.cjs", "compile", "docs/examples/office.json", "-o", "-"],
  {
    stdio: "ignore",
    env: { ...process.env, TUNNELC_WRITE_CODE_CACHE: "1" },
  },
);
