// The generator's compiler as a bundle of its own (dist/generator-compile.cjs): what
// dist/generator.cjs (src/generator-main.ts) loads when its memo does not answer.
import { smallYoungGeneration } from "./young-generation.ts";

export { compileRun } from "./generator/compile-run.ts";

// A young generation that stays at its first size, as src/cli.ts sets it: compiling 1,000 specs
// peaks near 64 MiB instead of 80 (docs/performance.md). Set here, once both bundles are loaded
// from their code caches, whose flag hash V8 checks against the flags of the moment; on node's
// command line (--max-semi-space-size) it made V8 and Node reject every cache made without it.
smallYoungGeneration();
