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

export function lineColumnAt(text: string, offset: number): LineColumn {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The line of the problem with a caret underline, as compilers show it. */
export function codeFrame(text: string, line: number, column: number, length: number): string {
  const lines = text.split("\n");
  const source = (lines[line - 1] ?? "").replace(/\r$/, "").replace(/\t/g, " ");
  const gutter = String(line);
  const pad = " ".repeat(gutter.length);
  const width = Math.max(1, Math.min(length, source.length - column + 1));
  const shown = source.length > 160 ? source.slice(0, 160) + "…" : source;
  return [
    `  ${gutter} | ${shown}`,
    `  ${pad} | ${" ".repeat(Math.max(0, column - 1))}${"^".repeat(Math.min(width, 80))}`,
  ].join("\n");
}
