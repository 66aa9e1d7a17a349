// Where an imported value came from, as a file, line and column: a word of a command line, a
// line of an ssh config, or a unit's ExecStart=.
import type { Place } from "./changes.ts";

export const COMMAND_LINE = "(command line)";

/** The place of argv[index] in the command line as one line of words separated by spaces. */
export function argvPlace(argv: readonly string[], index: number, file = COMMAND_LINE): Place {
  let column = 1;
  for (let i = 0; i < index && i < argv.length; i++) column += (argv[i] as string).length + 1;
  return { file, line: 1, column, pointer: "", length: Math.max(1, argv[index]?.length ?? 1) };
}

/**
 * The first line of an ssh_config(5) text that sets a keyword (`Keyword value` or
 * `Keyword=value`, any case), else the line of `Host ALIAS`, else line 1.
 */
export function configPlace(file: string, text: string, keyword: string, host: string): Place {
  const lines = text.split("\n");
  const find = (test: (words: string[]) => boolean): number => {
    const i = lines.findIndex((l) => test(l.trim().split(/[\s=]+/)));
    return i < 0 ? -1 : i;
  };
  let i = find((w) => (w[0] ?? "").toLowerCase() === keyword);
  if (i < 0) i = find((w) => (w[0] ?? "").toLowerCase() === "host" && w.slice(1).includes(host));
  const at = Math.max(0, i);
  const column = (lines[at] ?? "").search(/\S/) + 1;
  return { file, line: at + 1, column: Math.max(1, column), pointer: "" };
}
