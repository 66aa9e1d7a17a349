// Help text laid out by tunnelc rather than by yargs's layout library, which breaks a line in the
// middle of a word when a column is too narrow (examples, the epilogue). Pure.

/** Lines of at most `width` columns, broken only between words (a longer word stays whole). */
export function wrapWords(text: string, width: number, first = "", rest = first): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line === "" ? `${first}${word}` : `${line} ${word}`;
    if (line !== "" && next.length > width) {
      lines.push(line);
      line = `${rest}${word}`;
    } else line = next;
  }
  return [...lines, line];
}

/** Each example's command line, then what it does, indented below it. */
export function examplesText(examples: readonly [string, string][], width: number): string {
  return [
    "Examples:",
    ...examples.flatMap(([command, description], i) => [
      ...(i > 0 ? [""] : []),
      ...wrapWords(command, width, "  ", "    "),
      ...wrapWords(description, width, "      "),
    ]),
  ].join("\n");
}

/** Paragraphs, each wrapped to the width. */
export const paragraphs = (texts: readonly string[], width: number): string =>
  texts.map((t) => wrapWords(t, width).join("\n")).join("\n");
