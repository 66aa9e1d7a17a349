// An Exec*= value → argv, as systemd.service(5) "Command lines" reads it: the prefixes of the first word, words split at white space, double and single
// quotes, C escapes (an unknown escape kept as written, as systemd does), specifiers in each word,
// then the environment:
// "$NAME" as a word of its own becomes the value split at white space (zero or more words),
// "${NAME}" anywhere becomes the exact value, unset names nothing; "$$" is one "$".

import type { Expanded } from "./specifiers.ts";

export interface ExecWords {
  /** The prefixes ("-", "@", ":", "+", "!", "!!"). */
  prefixes: string;
  /** The program and its arguments after the environment is applied. */
  argv: string[];
  /** For each argv word, the offset in the value where the word it came from starts. */
  offsets: number[];
}

export type ExecRead =
  { ok: true; exec: ExecWords } | { ok: false; offset: number; message: string };

const ESCAPES: Readonly<Record<string, string>> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
  "'": "'",
  s: " ",
};

/** One C escape at text[i] (after the backslash): its character and length, or none. */
function escape(text: string, i: number): [string, number] | undefined {
  const c = text[i];
  if (c === undefined) return undefined;
  const simple = ESCAPES[c];
  if (simple !== undefined) return [simple, 1];
  const hex = (n: number, from: number) => {
    const h = text.slice(from, from + n);
    return new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h) ? parseInt(h, 16) : undefined;
  };
  if (c === "x") {
    const v = hex(2, i + 1);
    return v === undefined ? undefined : [String.fromCharCode(v), 3];
  }
  if (c === "u" || c === "U") {
    const n = c === "u" ? 4 : 8;
    const v = hex(n, i + 1);
    return v === undefined ? undefined : [String.fromCodePoint(v), n + 1];
  }
  const oct = /^[0-7]{3}/.exec(text.slice(i));
  if (oct !== null) return [String.fromCharCode(parseInt(oct[0], 8)), 3];
  return undefined;
}

/** Words split at white space with quotes and escapes (systemd's extract_first_word). */
export function splitWords(
  text: string,
): { words: string[]; starts: number[]; raws: string[] } | { error: string; offset: number } {
  const words: string[] = [];
  const starts: number[] = [];
  const raws: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
    if (i >= text.length) break;
    starts.push(i);
    let word = "";
    let quote: string | undefined;
    for (; i < text.length; i++) {
      const c = text[i] as string;
      if (quote === undefined && /\s/.test(c)) break;
      if (c === "\\") {
        const e = escape(text, i + 1);
        if (e !== undefined) {
          word += e[0];
          i += e[1];
        } else if (i + 1 < text.length) {
          word += c + (text[i + 1] as string);
          i++;
        } else word += c;
        continue;
      }
      if (quote === undefined && (c === '"' || c === "'")) quote = c;
      else if (c === quote) quote = undefined;
      else word += c;
    }
    if (quote !== undefined) return { error: `an unclosed ${quote}`, offset: starts.at(-1) ?? 0 };
    words.push(word);
    raws.push(text.slice(starts.at(-1) ?? 0, i));
  }
  return { words, starts, raws };
}

/** Variables systemd sets for the service itself (systemd.exec(5)): unknown to an import. */
const SET_BY_SYSTEMD = new Set([
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "PATH",
  "LANG",
  "INVOCATION_ID",
  "JOURNAL_STREAM",
  "RUNTIME_DIRECTORY",
  "STATE_DIRECTORY",
  "CACHE_DIRECTORY",
  "LOGS_DIRECTORY",
  "CONFIGURATION_DIRECTORY",
  "CREDENTIALS_DIRECTORY",
  "MAINPID",
  "MANAGERPID",
  "NOTIFY_SOCKET",
  "LISTEN_FDS",
  "LISTEN_PID",
  "LISTEN_FDNAMES",
  "TERM",
  "SERVICE_RESULT",
  "EXIT_CODE",
  "EXIT_STATUS",
  "PIDFILE",
  "WATCHDOG_PID",
  "WATCHDOG_USEC",
  "TRIGGER_UNIT",
  "TRIGGER_PATH",
  "TRIGGER_TIMER_REALTIME_USEC",
  "TRIGGER_TIMER_MONOTONIC_USEC",
]);

/** "${NAME}", "${NAME:-default}", "${NAME:+alternative}" and "$$" in a word. */
function replaceEnv(word: string, env: Readonly<Record<string, string>>): string {
  return word.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:[-+])([^}]*))?\}/g,
    (m, name, op, arg) => {
      if (m === "$$") return "$";
      const v = env[name as string];
      if (op === ":-") return v === undefined || v === "" ? (arg as string) : v;
      if (op === ":+") return v === undefined || v === "" ? "" : (arg as string);
      return v ?? "";
    },
  );
}

/**
 * systemd splits the line into words first and expands specifiers in each word after (so a
 * specifier's value is never unquoted or unescaped: %i of "a\x2db" stays as it is), then, when
 * the command runs, the environment.
 */
export function readExec(
  value: string,
  env: Readonly<Record<string, string>>,
  specifiers: (word: string) => Expanded = (w) => ({ ok: true, text: w }),
): ExecRead {
  const prefixes = /^[-@:+!]*/.exec(value)?.[0] ?? "";
  const split = splitWords(value.slice(prefixes.length));
  if ("error" in split)
    return { ok: false, offset: prefixes.length + split.offset, message: split.error };
  const { starts, raws } = split;
  const words: string[] = [];
  for (let k = 0; k < split.words.length; k++) {
    // Only a bare ";" separates commands; "\;" is a literal ";" (systemd.service(5)).
    if (raws[k] === ";") {
      return {
        ok: false,
        offset: prefixes.length + (starts[k] ?? 0),
        message: 'several commands in one line (";"): a tunnel\'s unit runs one ssh',
      };
    }
    const e = specifiers(raws[k] === "\\;" ? ";" : (split.words[k] as string));
    if (!e.ok) return { ok: false, offset: prefixes.length + (starts[k] ?? 0), message: e.message };
    words.push(e.text);
  }
  if (words.length === 0) return { ok: false, offset: 0, message: "no command" };
  const argv: string[] = [];
  const offsets: number[] = [];
  // "@": the first word is the program, the second its argv[0] (systemd.service(5)).
  const from = prefixes.includes("@") ? 2 : 1;
  argv.push(words[0] as string);
  offsets.push(prefixes.length);
  for (let k = from; k < words.length; k++) {
    const w = words[k] as string;
    const at = prefixes.length + (starts[k] ?? 0);
    // systemd's replace_env_argv: a word "$REST" names the variable REST, all of it ("$PORT:22"
    // is the variable "PORT:22", unset: the word goes).
    const named = w.startsWith("$") && !w.startsWith("${") && !w.startsWith("$$");
    const refs = named
      ? [w.slice(1)]
      : [...w.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
    const bySystemd = refs.find((r) => env[r] === undefined && SET_BY_SYSTEMD.has(r));
    if (bySystemd !== undefined)
      return {
        ok: false,
        offset: at,
        message: `$${bySystemd} is set by systemd when the service runs (systemd.exec(5) "Environment Variables in Spawned Processes"), which import cannot know here: write the value out`,
      };
    if (named) {
      const v = env[w.slice(1)];
      const parts = v === undefined ? [] : splitWords(v);
      for (const p of "words" in parts ? parts.words : Array.isArray(parts) ? [] : [v ?? ""]) {
        argv.push(p);
        offsets.push(at);
      }
      continue;
    }
    argv.push(replaceEnv(w, env));
    offsets.push(at);
  }
  return { ok: true, exec: { prefixes, argv, offsets } };
}
