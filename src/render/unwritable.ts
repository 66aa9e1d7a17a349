// The last line of defence behind the checks: a tunnel whose unit cannot be written the way
// systemd would load it is a located problem of its own spec, never an internal error, and never
// costs another spec its units (compile, install, diff and the generator all render through it).
// The checks before it (schema, check-rules, check-paths) should leave nothing for it to find;
// the schema fuzz (test/fuzz-schema.test.ts) holds that. Pure.
import type { Code } from "../codes.ts";
import { EscapeError } from "../unit/escape.ts";
import type { Problem } from "../specfile/problem.ts";
import type { ModelTunnel } from "../model/tunnel.ts";
import { LONG_LINE_MAX } from "../model/check-size.ts";

export type Rendered = { text: string; problem?: undefined } | { problem: Problem };

export function renderedOrProblem(t: ModelTunnel, render: () => string): Rendered {
  let text: string;
  try {
    text = render();
  } catch (e) {
    if (!(e instanceof EscapeError)) throw e;
    return {
      problem: problemOf(
        t,
        "render/unwritable",
        `systemd cannot read this tunnel's unit as written: ${e.message}`,
      ),
    };
  }
  const long = longestLine(text);
  if (long.bytes >= LONG_LINE_MAX)
    return {
      problem: problemOf(
        t,
        "render/line-too-long",
        `this tunnel's ${long.key}= line would be ${long.bytes} bytes; systemd reads lines of less than ${LONG_LINE_MAX} bytes and would not load the unit: use fewer host keys, jump hosts, forwards or options`,
      ),
    };
  return { text };
}

function problemOf(t: ModelTunnel, code: Code, message: string): Problem {
  return { severity: "error", code, message, file: t.file, pointer: t.pointer };
}

/** The longest line's setting and length in bytes of UTF-8; at most 3 bytes a UTF-16 unit. */
function longestLine(text: string): { key: string; bytes: number } {
  let best = { key: "", bytes: 0 };
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    // Cheap bound first: most lines are far below the limit even at 3 bytes a unit.
    if ((end - start) * 3 >= LONG_LINE_MAX) {
      const line = text.slice(start, end);
      const bytes = Buffer.byteLength(line, "utf8");
      if (bytes > best.bytes) best = { key: line.slice(0, line.indexOf("=")), bytes };
    }
    start = end + 1;
  }
  return best;
}
