// Exec*= command lines as argv arrays. A word is a list of parts: literal text (escaped when
// rendered) or a systemd specifier such as %d (kept as is, expanded by systemd).

export type Part = string | { specifier: string };
export type Word = Part[];

export type Prefix = "-" | "+";

export interface CommandLine {
  words: Word[];
  /** Word indexes that start a new continuation line when rendered, for readability only. */
  breaks: number[];
  /** "-": a failure of this command is ignored; "+": it runs with full privileges, outside the
   *  sandbox (systemd.service(5), "Command lines"). */
  prefix?: Prefix;
}

export function literal(text: string): Word {
  return [text];
}

export function specifier(letter: string): Part {
  return { specifier: letter };
}

/** Builds a command line one group at a time; each group starts on its own rendered line. */
export class CommandLineBuilder {
  private readonly words: Word[] = [];
  private readonly breaks: number[] = [];

  group(...words: (string | Word)[]): this {
    if (words.length === 0) return this;
    if (this.words.length > 0) this.breaks.push(this.words.length);
    // An index loop: most of a generator run is cold code, where a for-of step allocates.
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      this.words.push(typeof w === "string" ? literal(w) : w);
    }
    return this;
  }

  build(prefix?: Prefix): CommandLine {
    return {
      words: [...this.words],
      breaks: [...this.breaks],
      ...(prefix !== undefined && { prefix }),
    };
  }
}

/** The argv systemd will exec, given the value each specifier expands to. */
export function expandWords(line: CommandLine, specifiers: Record<string, string>): string[] {
  return line.words.map((w) =>
    w
      .map((p) => (typeof p === "string" ? p : (specifiers[p.specifier] ?? `%${p.specifier}`)))
      .join(""),
  );
}
