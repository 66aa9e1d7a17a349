// V8's young generation, kept at its first size once a run has much to allocate (V8's
// --semi-space-growth-factor, read whenever the young generation would grow, so it works when set
// at run time): bin/v8-young-generation.json has the flag and its default. Not set by default in
// the generator: node:v8, which sets it, loads Node's stream modules (about 3.5 ms of a boot
// that replays its memo in 12), and V8 and Node check the flags when they load a code cache,
// rejecting one made under others (docs/performance.md): built-in modules loaded later
// (src/builtin.ts) are loaded under the default flags, as Node's cache of them was made.
import type * as V8 from "node:v8";
import youngGeneration from "../bin/v8-young-generation.json" with { type: "json" };
import { lazyBuiltin, setLoading } from "./builtin.ts";

let small = false;

/** From now on, a young generation that does not grow. */
export function smallYoungGeneration(): void {
  if (small) return;
  v8().setFlagsFromString(youngGeneration.small);
  small = true;
  setLoading(withDefaultFlags);
}

/**
 * `load` run under V8's default flags, as the code cache it loads was made; the small young
 * generation, if it was set, set again after.
 */
export function withDefaultFlags<T>(load: () => T): T {
  if (!small) return load();
  v8().setFlagsFromString(youngGeneration.default);
  try {
    return load();
  } finally {
    v8().setFlagsFromString(youngGeneration.small);
  }
}

const v8 = lazyBuiltin<typeof V8>("node:v8");
