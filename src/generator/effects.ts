// The generator's output as file effects, for the file applier (src/edge/apply-files.ts). Pure,
// and light: the boot that replays its memo loads this, not the compiler (plan.ts).
import { dirname } from "node:path";
import type { FileEffect } from "../edge/plan.ts";
import { GENERATOR_NAME } from "./locations.ts";
import type { GeneratedLink } from "./plan.ts";
import type { OutFile } from "./memo.ts";

/**
 * The plan as effects: each directory once, before its first file or link (0755, as ensureDir
 * makes it), the files, then the links. Written in place: the output directory is systemd's
 * tmpfs, emptied before the run and read after the generator exits (systemd.generator(7)). Any
 * failure is the one the generator exits 3 for.
 */
export function generationEffects(plan: {
  files: readonly OutFile[];
  links: readonly GeneratedLink[];
}): FileEffect[] {
  const failure = `${GENERATOR_NAME}: cannot write its output`;
  const effects: FileEffect[] = [];
  const made = new Set<string>();
  const dirOf = (path: string) => {
    const dir = dirname(path);
    if (made.has(dir)) return;
    made.add(dir);
    effects.push({ kind: "mkdir", path: dir, failure });
  };
  for (const f of plan.files) {
    dirOf(f.path);
    effects.push({
      kind: "write",
      path: f.path,
      text: f.text,
      mode: f.mode ?? 0o644,
      atomic: false,
      failure,
    });
  }
  for (const l of plan.links) {
    dirOf(l.path);
    effects.push({ kind: "link", path: l.path, target: l.target, failure });
  }
  return effects;
}
