// A problem found in a spec, recorded where it is in the document (a JSON pointer, or an offset
// where the text itself is broken). Line, column and code frame are added at the end, by locate.ts.
import type { Code } from "../codes.ts";
import type { Severity } from "../errors.ts";

export interface Problem {
  severity: Severity;
  /** A stable short code, e.g. "schema/type" or "rule/duplicate-name". */
  code: Code;
  message: string;
  file: string;
  pointer: string;
  /** Characters to underline; by default the value's own length (1 for objects and arrays). */
  length?: number;
  /** For a message about a field's name: underline the name `name` in the object at `parent`. */
  key?: { parent: string; name: string };
  /** Where the JSON itself is broken: the offset in the text (no pointer to follow). */
  offset?: number;
  /**
   * Never show the text around it (no code frame): the file is not a spec and may be a secret
   * (not-a-spec.ts).
   */
  hideText?: true;
}

/** One stage's findings for one file. */
export class Problems {
  readonly list: Problem[] = [];
  constructor(readonly file: string) {}

  add(
    severity: Severity,
    code: Code,
    pointer: string,
    message: string,
    extra?: Pick<Problem, "key">,
  ): void {
    this.list.push({ severity, code, message, file: this.file, pointer, ...extra });
  }
}
