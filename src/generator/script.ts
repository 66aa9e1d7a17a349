// The installed generator: a small sh script that runs the installed tunnelc's bundle in
// generate mode with absolute paths recorded at install time (PATH is not to be trusted at early
// boot, and a package knows where its files will be). Pure: commands/generator.ts writes it.
import { UsageError } from "../errors.ts";
import { GENERATOR_NAME } from "./locations.ts";
import flags from "./v8-flags.json" with { type: "json" };

export const SCRIPT_MARKER = `# ${GENERATOR_NAME}: written by tunnelc generator install`;

/**
 * V8 sizes its heap when node starts, so the generator's flag goes on node's command line, not
 * into the loader (docs/performance.md has the measurements). A data file, because the build
 * reads it too: V8 rejects a code cache made under other flags, so scripts/build.mjs warms
 * dist/generator.cjs's cache under these.
 */
export const V8_FLAGS = flags.join(" ");

export interface ScriptPaths {
  node: string;
  bundle: string;
  user: boolean;
}

export function generatorScript({ node, bundle, user }: ScriptPaths): string {
  for (const [what, p] of [
    ["--node", node],
    ["--bundle", bundle],
  ] as const) {
    if (!p.startsWith("/") || /[\u0000-\u001f\u007f]/.test(p))
      throw new UsageError(`${what} must be an absolute path without control characters: ${p}`);
  }
  return `#!/bin/sh
${SCRIPT_MARKER} (docs/generator.md).
# systemd runs it at boot and at every daemon-reload as: ${GENERATOR_NAME} NORMAL_DIR [EARLY_DIR LATE_DIR]
# (systemd.generator(7)). It never fails the boot: without node or the bundle it logs and exits 0.
node=${sh(node)}
bundle=${sh(bundle)}
if [ ! -x "$node" ] || [ ! -r "$bundle" ]; then
  msg="${GENERATOR_NAME}[$$]: cannot run $node $bundle: not found; no tunnel units generated"
  kmsg=\${TUNNELC_KMSG:-/dev/kmsg}
  # Never created: a container may have no /dev/kmsg (systemd-nspawn(1)).
  if [ -e "$kmsg" ]; then echo "<3>$msg" >>"$kmsg"; else echo "$msg" >&2; fi
  exit 0
fi
# Nothing may be written outside the output directories at early boot: no code cache, no
# first-run cache under ~/.cache.
unset TUNNELC_WRITE_CODE_CACHE
export TUNNELC_NO_CACHE_WRITE=1
# A 1 MiB young generation: a third less peak memory, no slower for a run this short.
exec "$node" ${V8_FLAGS} "$bundle" generate${user ? " --user" : ""} "$@"
`;
}

/** One sh word, single-quoted (this is a shell script, not a unit file). */
function sh(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
