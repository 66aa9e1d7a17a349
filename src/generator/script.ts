// The installed generator: one `#!` line that has the kernel run node with the installed
// tunnelc's loader (bin/tunnelc.cjs), both as absolute paths recorded at install time (PATH is
// not to be trusted at early boot, and a package knows where its files will be), then comments.
// No shell between systemd and node: about 2 ms of every boot and daemon-reload
// (docs/performance.md). And node runs a `.cjs` file, whose module type no package.json decides:
// a script of its own, without an extension, would be read as an ES module under a
// {"type":"module"} in any directory above it, and not at all under a broken one.
// Pure: commands/generator.ts writes it; bin/tunnelc.cjs knows it by the marker.
import { UsageError } from "../errors.ts";
import { GENERATOR_NAME } from "./locations.ts";

/** What marks the file as tunnelc's, in this script and in the sh scripts of earlier versions. */
export const SCRIPT_MARKER = `${GENERATOR_NAME}: written by tunnelc generator install`;

/**
 * The longest `#!` line a kernel runs as written: before Linux 5.1 it reads 128 bytes and ends the
 * text at the 128th, so 125 follow the `#!` (fs/binfmt_script.c, BINPRM_BUF_SIZE; execve(2)
 * "Interpreter scripts": "the limit is 127 characters"); 5.1 and later read 256 (253 after `#!`).
 * A longer line is cut, or refused since 5.0.
 */
export function interpreterLimit(kernel: string | undefined): number {
  const [major = 0, minor = 0] = (kernel ?? "").split(".").map((n) => parseInt(n, 10));
  return major > 5 || (major === 5 && minor >= 1) ? 253 : 125;
}

export interface ScriptPaths {
  node: string;
  bundle: string;
  user: boolean;
  /** The kernel that runs it (`uname -r`), when known: a package's is not. */
  kernel?: string;
}

export function generatorScript({ node, bundle, user, kernel }: ScriptPaths): string {
  for (const [what, p] of [
    ["--node", node],
    ["--bundle", bundle],
  ] as const) {
    if (!p.startsWith("/") || /[\u0000-\u001f\u007f]/.test(p))
      throw new UsageError(`${what} must be an absolute path without control characters: ${p}`);
  }
  // The kernel ends the interpreter's path at the first space or tab, and passes the rest of the
  // line, blanks at its ends dropped, as its one argument (execve(2)).
  if (/[ \t]/.test(node))
    throw new UsageError(
      `--node must be a path without spaces, as a #! line needs (execve(2)): ${node}; a link to it without one will do`,
    );
  if (/[ \t]$/.test(bundle))
    throw new UsageError(`--bundle must not end in a space, as a #! line drops it: ${bundle}`);
  const line = `${node} ${bundle}`;
  const bytes = Buffer.byteLength(line);
  const limit = interpreterLimit(kernel);
  if (bytes > limit)
    throw new UsageError(
      `--node and --bundle make a #! line of ${bytes} bytes, and ${kernel === undefined ? "the kernel that runs it may be older than Linux 5.1, which reads" : `Linux ${kernel} reads`} at most ${limit} (execve(2)): give shorter paths to them, links will do`,
    );
  return `#!${line}
# ${SCRIPT_MARKER} (docs/generator.md).
# systemd runs it at boot and at every daemon-reload as: ${GENERATOR_NAME} NORMAL_DIR [EARLY_DIR LATE_DIR]
# (systemd.generator(7)); the kernel runs the line above, node with tunnelc's loader, which
# takes this file's path for \`generate${user ? " --user" : ""}\` (a user generator: its directory says so).
# Without node or tunnelc there, systemd logs that it could not run it and boots on, with no
# tunnel units (tunnelc doctor says so before).
`;
}

/** Whether permission bits (stat's) let anyone execute the file. */
export const executable = (mode: number | undefined): boolean =>
  mode !== undefined && (mode & 0o111) !== 0;

/**
 * What keeps a generator from running at the next boot, from the modes of its node and bundle
 * (undefined: not there): install refuses it, doctor reports it.
 */
export function notRunnable(
  paths: { node: string; bundle: string },
  nodeMode: number | undefined,
  bundleMode: number | undefined,
): { what: "node" | "bundle"; path: string; why: "not there" | "not executable" } | undefined {
  if (!executable(nodeMode))
    return {
      what: "node",
      path: paths.node,
      why: nodeMode === undefined ? "not there" : "not executable",
    };
  if (bundleMode === undefined) return { what: "bundle", path: paths.bundle, why: "not there" };
  return undefined;
}

/**
 * The node and bundle an installed script runs: this version's (`#!NODE BUNDLE`) or an earlier
 * version's sh script (`node='…'`, `bundle='…'`). For doctor.
 */
export function scriptPaths(text: string): { node: string; bundle: string } | undefined {
  const line = /^#!([^ \t\n]+)[ \t]+([^\n]*[^ \t\n])[ \t]*\n/.exec(text);
  if (line !== null && line[1] !== "/bin/sh") return { node: line[1]!, bundle: line[2]! };
  const node = /^node='((?:[^'\n]|'\\'')*)'$/m.exec(text)?.[1];
  const bundle = /^bundle='((?:[^'\n]|'\\'')*)'$/m.exec(text)?.[1];
  if (node === undefined || bundle === undefined) return undefined;
  const unquote = (word: string) => word.replaceAll(`'\\''`, "'");
  return { node: unquote(node), bundle: unquote(bundle) };
}
