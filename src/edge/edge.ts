// What a command acts on the machine through: the gatherer for every read, the Runner for every
// command the executor runs. The one way a test hands a command its doubles (a recorder for
// systemctl, a fake world of files), and the one default: this machine.
import { gathererFor, processRunner, type Runner } from "./read.ts";
import type { Gatherer } from "./query.ts";

export interface Edge {
  readonly gatherer: Gatherer;
  readonly runner: Runner;
}

/** The machine, or a test's runner and gatherer in its place; the gatherer runs its probes through the runner. */
export function edgeOf(parts: { runner?: Runner; gatherer?: Gatherer } = {}): Edge {
  const runner = parts.runner ?? processRunner;
  return { runner, gatherer: parts.gatherer ?? gathererFor(runner) };
}
