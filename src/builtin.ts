// Node's built-in modules that only some commands use (child_process, net, readline), loaded on
// first use instead of at every start: `compile` needs none of them, and each costs start-up
// time (docs/performance.md). Not import(): bin/tunnelc.cjs runs the bundle in a vm.Script, where
// a dynamic import() fails. Nor node:module's createRequire, whose loading alone cost a start
// 0.5 ms: process.getBuiltinModule (Node 20.16 and later), else the require the bundle is run
// with (CommonJS, as bin/tunnelc.cjs and Node run it).

/** A getter for built-in module `id`, loaded (once; Node caches it) on the first call. */
export function lazyBuiltin<T>(id: `node:${string}`): () => T {
  let mod: T | undefined;
  return () => (mod ??= loading(() => builtin(id) as T));
}

function builtin(id: string): unknown {
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  // The bundle's own CommonJS require, for Node before 20.16: no module of ours is loaded by it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return typeof get === "function" ? get(id) : require(id);
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
