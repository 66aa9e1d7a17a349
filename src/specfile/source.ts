// Positions in a spec's text: offsets to line/column, and the code frame shown under a message.

export interface SpecText {
  /** The file name as the user gave it, used in every message. */
  file: string;
  text: string;
}

export interface LineColumn {
  line: number;
  column: number;
}

/**
 * Where each line of a text starts: one pass over the text, then each offset is a binary search
 * and each line a slice. A spec with thousands of problems is located in time linear in its size
 * (a scan of the whole text per problem took 10 s for a 1.3 MB spec with 4,000 problems).
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1))
      this.starts.push(i + 1);
  }

  /** The line and column of an offset (an offset past the end stays on the last line). */
  at(offset: number): LineColumn {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }

  /** Line `line` (from 1) without its newline; "" past the end. */
  line(line: number): string {
    const start = this.starts[line - 1];
    if (start === undefined) return "";
    const next = this.starts[line];
    return this.text.slice(start, next === undefined ? this.text.length : next - 1);
  }
}

/** Characters of a line a frame shows; a longer line is cut around the problem. */
const FRAME_WIDTH = 160;
/** Characters shown before the problem when the line is cut in front of it. */
const FRAME_BEFORE = 40;

/**
 * The line of the problem with a caret underline, as compilers show it. A frame is bounded
 * whatever the line: in a one-line (minified) spec the caret of a problem a megabyte in used to
 * be led by a megabyte of spaces, and a few thousand problems exhausted the memory.
 */
export function codeFrame(lines: LineIndex, line: number, column: number, length: number): string {
  const source = lines.line(line).replace(/\r$/, "").replace(/\t/g, " ");
  const gutter = String(line);
  const pad = " ".repeat(gutter.length);
  const width = Math.max(1, Math.min(length, source.length - column + 1));
  const from = column > FRAME_WIDTH ? column - 1 - FRAME_BEFORE : 0;
  const lead = from > 0 ? "…" : "";
  const cut = source.slice(from, from + FRAME_WIDTH);
  const shown = lead + cut + (from + FRAME_WIDTH < source.length ? "…" : "");
  const at = Math.max(0, column - 1 - from);
  const caret = at + lead.length;
  // The underline stops where the shown text does: never under the "…" of a cut line.
  const under = Math.max(1, Math.min(width, 80, cut.length - at));
  return [`  ${gutter} | ${shown}`, `  ${pad} | ${" ".repeat(caret)}${"^".repeat(under)}`].join(
    "\n",
  );
}
