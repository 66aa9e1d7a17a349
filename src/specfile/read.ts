// The I/O edge of the spec stage: read spec files (or stdin as "-") into SpecText; commands
// ask for them through the gatherer (src/plan/read.ts).
import { readFileSync } from "node:fs";
import { SpecError, SystemError } from "../errors.ts";
import type { SpecText } from "./source.ts";

/** Specs larger than this are refused before parsing: no tunnel list needs 64 MiB. */
export const MAX_SPEC_BYTES = 64 * 1024 * 1024;

/** How the CLI names standard input as a spec ("-" on the command line). */
export const STDIN = "/dev/stdin";

export function loadSpec(file: string): SpecText {
  const stdin = file === "-" || file === STDIN;
  try {
    const buf = readFileSync(stdin ? 0 : file);
    if (buf.length > MAX_SPEC_BYTES) throw tooLarge(stdin ? "<stdin>" : file, buf.length);
    return { file: stdin ? "<stdin>" : file, text: stripBom(buf.toString("utf8")) };
  } catch (e) {
    if (e instanceof SystemError || e instanceof SpecError) throw e;
    throw new SystemError(`cannot read ${file}: ${reason(e)}`);
  }
}

function tooLarge(file: string, size: number): SpecError {
  return new SpecError([
    {
      severity: "error",
      code: "json/too-large",
      message: `the spec is ${size} bytes; specs larger than ${MAX_SPEC_BYTES} bytes are refused`,
      location: { file, line: 1, column: 1, pointer: "", length: 1 },
    },
  ]);
}

/** A UTF-8 byte order mark is not part of the JSON text (RFC 8259 §8.1 lets a parser ignore it). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === "ENOENT") return "no such file or directory";
  if (err?.code === "EACCES") return "permission denied";
  if (err?.code === "EISDIR") return "is a directory";
  return err?.message ?? String(e);
}
