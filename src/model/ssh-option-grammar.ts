// What the value of an allowed ssh option may be, as data (the table is in ssh-options.ts), and
// the one function that reads a value against it. Each grammar follows ssh_config(5) and what
// OpenSSH 9.2's readconf.c parses, narrowed where OpenSSH is loose: ssh splits an `-o` value into
// words at blanks and `=`, honours `"` quotes and `\` escapes (argv_split), and ignores what it
// does not parse in places (strtol), so every grammar here is a fixed number of plain words from
// small character sets. Nothing else reaches ssh's command line or the jump hosts' config file:
// not a blank where the grammar has none, not a `=`, a quote, a `#`, a newline or a `%`.
import { weakAlgorithm, type AlgorithmFamily } from "./weak-algorithms.ts";
import { KNOWN_ALGORITHMS, QUERY } from "./known-algorithms.ts";

/** One word of a value: a pattern, and a further test where a pattern cannot say it (a range). */
export interface Word {
  kind: "pattern";
  pattern: RegExp;
  accept?: (word: string) => boolean;
}

export type ValueGrammar =
  /** One word of a fixed set, matched case-insensitively and written as ssh_config(5) spells it. */
  | { kind: "enum"; values: readonly string[]; why?: Readonly<Record<string, string>> }
  /** A whole number in decimal, within bounds. */
  | { kind: "int"; min: number; max: number; unit: string }
  /** ssh_config(5)'s algorithm lists: `name,name`, `+name`, `-pattern`, `^name`. */
  | { kind: "algorithms"; family: AlgorithmFamily }
  /** One word, or up to `words.length` words separated by one space. */
  | { kind: "words"; words: readonly [Word, ...Word[]]; says: string };

export type Reading = { ok: true; value: string } | { ok: false; problem: string };

const refuse = (problem: string): Reading => ({ ok: false, problem });

function readEnum(values: readonly string[], word: string): string | undefined {
  return values.find((v) => v.toLowerCase() === word.toLowerCase());
}

/** "a, b or c". */
function oneOf(values: readonly string[]): string {
  return values.length < 2
    ? values.join("")
    : `${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}`;
}

/** One algorithm name: letters, digits, `@`, `.`, `_`, `-` (the names `ssh -Q` lists), first a letter or digit. */
const ALGORITHM = /^[A-Za-z0-9][A-Za-z0-9@._-]*$/;
/** In a `-` list, ssh_config(5) also takes wildcards: removing more can never weaken. */
const ALGORITHM_PATTERN = /^[A-Za-z0-9*?][A-Za-z0-9@._*?-]*$/;

function readAlgorithms(family: AlgorithmFamily, value: string): Reading {
  const how =
    "a comma-separated list of algorithm names, optionally after one leading '+' (append), '-' (remove) or '^' (prefer)";
  const sign = /^[-+^]/.test(value) ? value.slice(0, 1) : "";
  const names = value.slice(sign.length).split(",");
  const name = sign === "-" ? ALGORITHM_PATTERN : ALGORITHM;
  if (names.some((n) => n === "")) return refuse(`takes ${how}, with no empty name`);
  if (!names.every((n) => name.test(n))) {
    return refuse(
      names.every((n) => ALGORITHM_PATTERN.test(n))
        ? `takes wildcards only in a list that removes ('-'): '+', '^' or a plain list with '*' or '?' could bring back algorithms OpenSSH has turned off`
        : `takes ${how}; a name has only letters, digits, '@', '.', '_' and '-', and starts with a letter or digit`,
    );
  }
  // Removing an algorithm never weakens; adding, preferring or naming one OpenSSH turned off does.
  if (sign !== "-") {
    const weak = names.flatMap((n) => {
      const why = weakAlgorithm(family, n);
      return why ? [`${n} is ${why}`] : [];
    });
    if (weak.length > 0)
      return refuse(`names an algorithm OpenSSH has turned off: ${weak.join("; ")}`);
    // A name ssh does not know makes it refuse the whole configuration, at every start.
    const unknown = names.filter((n) => !KNOWN_ALGORITHMS[family].has(n));
    if (unknown.length > 0) {
      return refuse(
        `names ${unknown.map((n) => JSON.stringify(n)).join(", ")}, not an algorithm OpenSSH knows here (ssh -Q ${QUERY[family]} lists them; names are case-sensitive)`,
      );
    }
  }
  return { ok: true, value };
}

function readWord(word: Word, text: string): string | undefined {
  return word.pattern.test(text) && (word.accept?.(text) ?? true) ? text : undefined;
}

/** The value as ssh will read it, or why ssh_config(5) does not take it (no option name). */
export function readValue(grammar: ValueGrammar, value: string): Reading {
  const got = `(got ${JSON.stringify(value)})`;
  switch (grammar.kind) {
    case "enum": {
      const canonical = readEnum(grammar.values, value);
      const why = canonical === undefined ? undefined : grammar.why?.[canonical];
      if (why) return refuse(`does not take ${canonical} here: ${why}`);
      return canonical === undefined
        ? refuse(`takes ${oneOf(grammar.values.filter((v) => !grammar.why?.[v]))} ${got}`)
        : { ok: true, value: canonical };
    }
    case "int": {
      const n = /^(?:0|[1-9][0-9]{0,8})$/.test(value) ? Number(value) : NaN;
      return n >= grammar.min && n <= grammar.max
        ? { ok: true, value: String(n) }
        : refuse(
            `takes a whole number of ${grammar.unit} from ${grammar.min} to ${grammar.max} ${got}`,
          );
    }
    case "algorithms": {
      const r = readAlgorithms(grammar.family, value);
      return r.ok ? r : refuse(`${r.problem} ${got}`);
    }
    case "words": {
      const texts = value.split(" ");
      const words = texts.map((t, i) => {
        const w = grammar.words[i];
        return w === undefined ? undefined : readWord(w, t);
      });
      return words.every((w) => w !== undefined)
        ? { ok: true, value: words.join(" ") }
        : refuse(`takes ${grammar.says} ${got}`);
    }
  }
}
