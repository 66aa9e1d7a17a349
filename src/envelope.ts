// The one shape of every --json report (docs/cli.md "JSON"): `ok`, `diagnostics`, then the
// command's own fields. Pure. A problem that is not in a spec (a refused unit file, a failed
// systemctl call) is a diagnostic too, its line, column and pointer null.
import type { Code } from "./codes.ts";
import {
  RefusedError,
  SpecError,
  SystemError,
  TunnelcError,
  UsageError,
  type Diagnostic,
  type Severity,
} from "./errors.ts";

export interface JsonDiagnostic {
  severity: Severity;
  code: Code;
  file: string | null;
  line: number | null;
  column: number | null;
  pointer: string | null;
  message: string;
}

export function diagnosticJson(d: Diagnostic): JsonDiagnostic {
  const { file, line, column } = d.location;
  // An import's problem is in a unit, a command line or an ssh config: no spec pointer.
  const pointer = d.code.startsWith("import/") ? null : d.location.pointer;
  return { severity: d.severity, code: d.code, file, line, column, pointer, message: d.message };
}

/** A problem outside any spec; `file` names the file it is about, if any. */
export function problem(
  code: Code,
  message: string,
  file: string | null = null,
  severity: Severity = "error",
): JsonDiagnostic {
  return { severity, code, file, line: null, column: null, pointer: null, message };
}

const isLocated = (d: Diagnostic | JsonDiagnostic): d is Diagnostic => "location" in d;

export function envelope(
  ok: boolean,
  diagnostics: readonly (Diagnostic | JsonDiagnostic)[],
  fields: Record<string, unknown> = {},
): string {
  const ds = diagnostics.map((d) => (isLocated(d) ? diagnosticJson(d) : d));
  return `${JSON.stringify({ ok, diagnostics: ds, ...fields }, null, 2)}\n`;
}

/** What a failed run reports under --json: a spec's problems, or the error as one diagnostic. */
export function errorDiagnostics(e: unknown): (Diagnostic | JsonDiagnostic)[] {
  if (e instanceof SpecError) return e.diagnostics;
  if (e instanceof SystemError) {
    const message = e.detail ? `${e.message}\n${e.detail}` : e.message;
    return [problem(e.code, message, e.file ?? null)];
  }
  if (e instanceof RefusedError) return [problem(e.code, e.message, e.file ?? null)];
  if (e instanceof UsageError) return e.problems.map((p) => problem(e.code, p));
  if (e instanceof TunnelcError) return [problem(e.code, e.message)];
  return [problem("internal", `internal error: ${(e as Error)?.message ?? String(e)}`)];
}
