// Typed errors. Each carries the exit code the CLI ends with (docs/cli.md "Exit status"); only
// src/cli.ts turns them into output and an exit. `differs` is only for `diff --exit-code`.
import type { Code } from "./codes.ts";

export const ExitCode = { ok: 0, spec: 1, usage: 2, system: 3, differs: 4 } as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Where in a spec file a problem is: 1-based line and column, plus the JSON pointer. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  pointer: string;
  /** Characters to underline in the code frame. */
  length: number;
}

export type Severity = "error" | "warning";

export interface Diagnostic {
  severity: Severity;
  /** A stable short code from the registry (src/codes.ts), e.g. "schema/type". */
  code: Code;
  message: string;
  location: SourceLocation;
  /** The source lines around the location with a caret underline, when the text is known. */
  frame?: string;
}

/** Whether any of the diagnostics is an error (warnings let a compile go on). */
export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === "error");
}

export abstract class TunnelcError extends Error {
  abstract readonly exitCode: ExitCodeValue;
  /** The diagnostic code --json reports it under (src/envelope.ts). */
  abstract readonly code: Code;
}

/** One or more problems in spec files; the user's mistake, never a stack trace. */
export class SpecError extends TunnelcError {
  readonly exitCode = ExitCode.spec;
  readonly code: Code = "spec/invalid";
  constructor(readonly diagnostics: Diagnostic[]) {
    super(`${diagnostics.filter((d) => d.severity === "error").length} problem(s) in the spec`);
  }
}

/**
 * Bad command-line usage: one or more problems, and where to read more (`Run "tunnelc X --help"`),
 * which the text says after them and --json leaves out (one diagnostic per problem).
 */
export class UsageError extends TunnelcError {
  readonly exitCode = ExitCode.usage;
  readonly code: Code = "usage/invalid";
  readonly problems: readonly string[];
  constructor(
    problems: string | readonly string[],
    readonly hint?: string,
  ) {
    const list = typeof problems === "string" ? [problems] : problems;
    super(list.join("\ntunnelc: "));
    this.problems = list;
  }
}

/** The system failed us: I/O, a missing tool, a failed systemctl call. */
export class SystemError extends TunnelcError {
  readonly exitCode = ExitCode.system;
  constructor(
    message: string,
    readonly detail?: string,
    readonly code: Code = "system/io",
    /** The file the failure is about, when there is one. */
    readonly file?: string,
  ) {
    super(message);
  }
}

/** A change refused before anything was touched (e.g. a key that exists): exit 1. */
export class RefusedError extends TunnelcError {
  readonly exitCode = ExitCode.spec;
  constructor(
    message: string,
    readonly code: Code = "refused",
    readonly file?: string,
  ) {
    super(message);
  }
}

/** A command's non-zero exit, as one error: the command, its status, and what it said. */
export function commandFailed(
  argv: string[],
  r: { status: number; stdout: string; stderr: string },
): SystemError {
  return new SystemError(
    `${argv.join(" ")} failed with exit status ${r.status}`,
    r.stderr.trim() || r.stdout.trim(),
    "system/command",
  );
}
