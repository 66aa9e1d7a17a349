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

/** The line of the problem with a caret underline, as compilers show it. */
export function codeFrame(lines: LineIndex, line: number, column: number, length: number): string {
  const source = lines.line(line).replace(/\r$/, "").replace(/\t/g, " ");
  const gutter = String(line);
  const pad = " ".repeat(gutter.length);
  const width = Math.max(1, Math.min(length, source.length - column + 1));
  const shown = source.length > 160 ? source.slice(0, 160) + "…" : source;
  return [
    `  ${gutter} | ${shown}`,
    `  ${pad} | ${" ".repeat(Math.max(0, column - 1))}${"^".repeat(Math.min(width, 80))}`,
  ].join("\n");
}
