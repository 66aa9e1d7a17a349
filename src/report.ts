// Turning results into text for people and for --json. Pure: the CLI entry decides where the
// text goes and whether it has colour.
import type { Diagnostic } from "./errors.ts";
import { PLAIN, type Style } from "./style.ts";

/** `file:line:col: /pointer: message`, then the code frame. */
export function formatDiagnostic(d: Diagnostic, style: Style = PLAIN): string {
  const { file, line, column, pointer } = d.location;
  const where = style.bold(`${visible(file)}:${line}:${column}:`);
  const label = d.severity === "warning" ? `${style.yellow("warning:")} ` : "";
  const message = visible(d.message);
  // An import's problem is in a unit, a command line or an ssh config, not at a spec's pointer.
  const at = d.code.startsWith("import/") ? "" : `${visible(pointer) || "/"}: `;
  const head = `${where} ${at}${label}${d.severity === "error" ? style.red(message) : message}`;
  return d.frame ? `${head}\n${style.dim(d.frame)}` : head;
}

/** Control characters from a hostile spec (in a key, a file name) never reach the terminal raw. */
export function visible(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

export function summarize(ds: Diagnostic[]): string | undefined {
  const errors = ds.filter((d) => d.severity === "error").length;
  const warnings = ds.length - errors;
  if (ds.length === 0) return undefined;
  const part = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return [errors ? part(errors, "error") : "", warnings ? part(warnings, "warning") : ""]
    .filter(Boolean)
    .join(", ");
}
