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
  return () => (mod ??= loading(() => (load ??= createRequire(process.execPath))(id) as T));
}

/** What every load goes through: as it is, until a run changes V8's flags (setLoading). */
let loading = <T>(f: () => T): T => f();

/**
 * Loads from now on go through `around`: src/young-generation.ts loads a module under V8's
 * default flags, as Node's code cache of it was made, once it has set others (V8 would reject
 * the cache and compile the module from source).
 */
export function setLoading(around: <T>(f: () => T) => T): void {
  loading = around;
}
