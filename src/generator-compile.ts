// The generator's compiler as a bundle of its own (dist/generator-compile.cjs): what
// dist/generator.cjs (src/generator-main.ts) loads when its memo does not answer.
export { compileRun } from "./generator/compile-run.ts";
