// The installed generator: a small sh script that runs the installed tunnelc's bundle in
// generate mode with absolute paths recorded at install time (PATH is not to be trusted at early
// boot, and a package knows where its files will be). Pure: commands/generator.ts writes it.
import { UsageError } from "../errors.ts";
import { GENERATOR_NAME } from "./locations.ts";

export const SCRIPT_MARKER = `# ${GENERATOR_NAME}: written by tunnelc generator install`;

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
# No V8 flag: under any, V8 and Node reject the code caches made under none, Node's own
# included, and every boot compiles them (docs/performance.md); a run that has much to
# allocate sets its young generation itself (src/young-generation.ts).
exec "$node" "$bundle" generate${user ? " --user" : ""} "$@"
`;
}

/** One sh word, single-quoted (this is a shell script, not a unit file). */
function sh(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
