// Escaping by systemd's rules, in one place:
// - systemd.syntax(7): a value is one line; a trailing "\" continues it; leading and trailing
//   white space is dropped; "%" starts a specifier in most settings, "%%" is a literal "%".
// - systemd.service(5) "Command lines": words are split on white space, with "…" or '…' quoting
//   and C-style backslash escapes; "$VAR"/"${VAR}" are expanded at exec time, "$$" is a literal
//   "$"; a lone ";" separates commands; the first word's leading "@-:+!" are prefixes, not path.
import type { CommandLine, Part, Word } from "./command-line.ts";

export class EscapeError extends Error {}

const CONTROL = /[\u0000-\u001f\u007f]/;

export function assertNoControl(text: string, what: string): void {
  if (CONTROL.test(text))
    throw new EscapeError(`${what} contains a control character: ${JSON.stringify(text)}`);
}

/** "%" → "%%", for every setting that undergoes specifier expansion. */
export function escapeSpecifiers(text: string): string {
  return text.replace(/%/g, "%%");
}

/** A plain value (Description=, User=, …): one line, no edge white space, specifiers escaped. */
export function escapeValue(text: string, what = "value"): string {
  assertNoControl(text, what);
  if (text !== text.trim())
    throw new EscapeError(`${what} has leading or trailing white space, which systemd drops`);
  if (text.endsWith("\\"))
    throw new EscapeError(`${what} ends in "\\", which systemd reads as a line continuation`);
  return escapeSpecifiers(text);
}

/** Characters that make a word need quotes; everything else stands bare in a command line. */
const NEEDS_QUOTES = /[\s"'\\]/;

function escapeLiteral(text: string): string {
  return escapeSpecifiers(text).replace(/\$/g, "$$$$");
}

function renderPart(p: Part): string {
  return typeof p === "string" ? escapeLiteral(p) : `%${p.specifier}`;
}

/**
 * The executable (first word). Its leading "@-:+!|" are read as prefixes even inside quotes, so
 * it must start with "/" as literal text (which also keeps a specifier from expanding there);
 * systemd refuses quotes and backslashes in it ("contains special characters") and a directory.
 */
function checkExecutable(word: Word): void {
  const head = word[0];
  if (typeof head !== "string" || !head.startsWith("/")) {
    throw new EscapeError("the executable must be an absolute path given as literal text");
  }
  if (/["'\\]/.test(head)) throw new EscapeError("the executable contains a quote or backslash");
  if (word.length === 1 && head.endsWith("/")) {
    throw new EscapeError("the executable names a directory");
  }
}

/**
 * A word of one literal part with nothing to escape or quote: no control character, white
 * space, quote, backslash, "%", "$" or ";". Most words are such, and stand as they are.
 */
const BARE = /^[^\s"'\\%$;\u0000-\u001f\u007f]+$/;

/**
 * Quoted words of one literal part, by text: every unit has the same long words (the log
 * replay's sed script), and quoting one is several passes over it. A memo of a pure function,
 * bounded so a fleet of distinct words cannot grow it without end.
 */
const quoted = new Map<string, string>();
const QUOTED_MAX = 4096;

/** One argv word as it must stand in an Exec*= line. */
export function quoteWord(word: Word, first: boolean): string {
  const only = word.length === 1 ? word[0] : undefined;
  if (typeof only === "string" && BARE.test(only)) {
    if (first) checkExecutable(word);
    return only;
  }
  if (typeof only === "string" && !first) {
    const known = quoted.get(only);
    if (known !== undefined) return known;
    const text = quoteParts(word, false);
    if (quoted.size >= QUOTED_MAX) quoted.clear();
    quoted.set(only, text);
    return text;
  }
  return quoteParts(word, first);
}

function quoteParts(word: Word, first: boolean): string {
  for (let i = 0; i < word.length; i++) {
    const p = word[i]!;
    if (typeof p === "string") assertNoControl(p, "command-line word");
  }
  if (first) checkExecutable(word);
  const text = word.map(renderPart).join("");
  const plain = word.map((p) => (typeof p === "string" ? p : "")).join("");
  if (text === "") return '""';
  if (text === ";" || NEEDS_QUOTES.test(plain)) {
    return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  }
  return text;
}

/** The words of a command line, each quoted; the caller joins them. */
export function quoteCommandLine(line: CommandLine): string[] {
  if (line.words.length === 0)
    throw new EscapeError("a command line needs at least the executable");
  // The prefix goes before the (unquoted, "/"-led) executable: checkExecutable keeps its own
  // text from ever reading as one.
  return line.words.map((w, i) => (i === 0 ? (line.prefix ?? "") : "") + quoteWord(w, i === 0));
}
