// Node's built-in modules that only some commands use (child_process, net, readline), loaded on
// first use instead of at every start: `compile` needs none of them, and each costs start-up
// time (docs/performance.md). A require, not import(): bin/tunnelc.cjs runs the bundle in a
// vm.Script, where a dynamic import() fails. Any absolute path serves as require's base: a
// built-in module is never looked up on disk.
import { createRequire } from "node:module";

let load: NodeJS.Require | undefined;

/** A getter for built-in module `id`, loaded (once; Node caches it) on the first call. */
export function lazyBuiltin<T>(id: `node:${string}`): () => T {
  let mod: T | undefined;
  return () => (mod ??= (load ??= createRequire(process.execPath))(id) as T);
}
