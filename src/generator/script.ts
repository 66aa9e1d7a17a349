// The installed generator: a small node script, its interpreter and the installed tunnelc's
// bundle recorded as absolute paths at install time (PATH is not to be trusted at early boot, and
// a package knows where its files will be). The kernel starts node itself from the `#!` line: no
// shell between systemd and node, about 2 ms of every boot and daemon-reload
// (docs/performance.md). Pure: commands/generator.ts writes it.
import { UsageError } from "../errors.ts";
import { GENERATOR_NAME } from "./locations.ts";

/** What marks the file as tunnelc's, in this script and in the sh scripts of earlier versions. */
export const SCRIPT_MARKER = `${GENERATOR_NAME}: written by tunnelc generator install`;

/**
 * The text after `#!` that every kernel reads whole: "Before Linux 5.1, the limit is 127
 * characters" (execve(2) "Interpreter scripts"); a longer line is cut or refused.
 */
const MAX_INTERPRETER_BYTES = 127;

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
  // The kernel ends the interpreter's path at the first space or tab (execve(2)).
  if (/[ \t]/.test(node))
    throw new UsageError(
      `--node must be a path without spaces, as a script's #! line needs (execve(2)): ${node}; a link to it without one will do`,
    );
  const bytes = Buffer.byteLength(node);
  if (bytes > MAX_INTERPRETER_BYTES)
    throw new UsageError(
      `--node is ${bytes} bytes; a script's #! line holds at most ${MAX_INTERPRETER_BYTES} on every kernel (execve(2)): give a shorter path to it, a link will do: ${node}`,
    );
  const args = ["generate", ...(user ? ["--user"] : [])].map((a) => JSON.stringify(a)).join(", ");
  return `#!${node}
// ${SCRIPT_MARKER} (docs/generator.md).
// systemd runs it at boot and at every daemon-reload as: ${GENERATOR_NAME} NORMAL_DIR [EARLY_DIR LATE_DIR]
// (systemd.generator(7)). It never fails the boot: without the bundle it logs and exits 0; without
// node, systemd logs that it cannot execute this file and boots on (tunnelc doctor says so before).
"use strict";
const bundle = ${JSON.stringify(bundle)};
const fs = require("node:fs");
let found = true;
try {
  fs.accessSync(bundle, fs.constants.R_OK);
} catch {
  found = false;
}
if (found) {
  // Nothing may be written outside the output directories at early boot: no code cache, no
  // first-run cache under ~/.cache. No V8 flag on the #! line: under any, V8 and Node reject the
  // code caches made under none, Node's own included (docs/performance.md).
  delete process.env.TUNNELC_WRITE_CODE_CACHE;
  process.env.TUNNELC_NO_CACHE_WRITE = "1";
  // The command line the bundle reads, as \`node BUNDLE ${user ? "generate --user" : "generate"} ARGS...\` gives it.
  process.argv.splice(1, 1, bundle, ${args});
  require(bundle);
} else {
  const msg = \`${GENERATOR_NAME}[\${process.pid}]: cannot run \${bundle}: not found; no tunnel units generated\`;
  let kmsg;
  try {
    // Never created: a container may have no /dev/kmsg (systemd-nspawn(1)).
    kmsg = fs.openSync(process.env.TUNNELC_KMSG || "/dev/kmsg", fs.constants.O_WRONLY | fs.constants.O_APPEND);
  } catch {
    process.stderr.write(\`\${msg}\\n\`);
  }
  if (kmsg !== undefined) fs.writeSync(kmsg, \`<3>\${msg}\\n\`);
}
`;
}

/**
 * The node and bundle an installed script runs: this version's (`#!NODE` and its `bundle`
 * constant) or an earlier version's sh script (`node='…'`, `bundle='…'`). For doctor.
 */
export function scriptPaths(text: string): { node: string; bundle: string } | undefined {
  const interpreter = /^#!(\S+)\n/.exec(text)?.[1];
  const constant = /^const bundle = (".*");$/m.exec(text)?.[1];
  if (interpreter !== undefined && constant !== undefined) {
    const bundle: unknown = parseJson(constant);
    return typeof bundle === "string" ? { node: interpreter, bundle } : undefined;
  }
  const node = /^node='((?:[^']|'\\'')*)'$/m.exec(text)?.[1];
  const bundle = /^bundle='((?:[^']|'\\'')*)'$/m.exec(text)?.[1];
  if (node === undefined || bundle === undefined) return undefined;
  const unquote = (word: string) => word.replaceAll(`'\\''`, "'");
  return { node: unquote(node), bundle: unquote(bundle) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
