// Unit model → text, following systemd.syntax(7). Never an INI writer: those quote values with
// "=" and would turn `ExecStart=/usr/bin/ssh -o A=b` into one word (docs/unit.md).
import { isCommandLine, type Entry, type UnitFile, type Value } from "./model.ts";
import { EscapeError, assertNoControl, escapeValue, quoteCommandLine } from "./escape.ts";
import type { CommandLine } from "./command-line.ts";

const KEY = /^[A-Za-z][A-Za-z0-9]*$/;
const SECTION = /^[A-Za-z][A-Za-z0-9-]*$/;

export function renderUnit(unit: UnitFile): string {
  // One array of lines for the whole file: a generator run renders a thousand of these. Index
  // loops, not for-of, here and below: most of a run is cold code, where each for-of step
  // allocates an iterator result.
  const out: string[] = [];
  for (let i = 0; i < unit.header.length; i++) out.push(commentLine(unit.header[i]!));
  for (let i = 0; i < unit.sections.length; i++) {
    const s = unit.sections[i]!;
    if (out.length > 0) out.push("");
    if (!SECTION.test(s.name)) throw new EscapeError(`bad section name ${JSON.stringify(s.name)}`);
    out.push(`[${s.name}]`);
    for (let j = 0; j < s.entries.length; j++) renderEntry(s.entries[j]!, out);
  }
  // The final newline as an empty last line: join makes one flat string, where `+ "\n"` would
  // make a second one to be flattened again when the file is written.
  if (out.length === 0) return "\n";
  out.push("");
  return out.join("\n");
}

function commentLine(text: string): string {
  assertNoControl(text, "comment");
  return text === "" ? "#" : `# ${text}`;
}

/** The lines of entries shared by many units (model.ts shared()), each rendered once. */
const rendered = new WeakMap<Entry, string[]>();

function renderEntry(e: Entry, out: string[]): void {
  const frozen = Object.isFrozen(e);
  const known = frozen ? rendered.get(e) : undefined;
  const lines = known ?? entryLines(e);
  if (frozen && known === undefined) rendered.set(e, lines);
  for (let i = 0; i < lines.length; i++) out.push(lines[i]!);
}

function entryLines(e: Entry): string[] {
  if (!("key" in e)) return [commentLine(e.comment)];
  if (!KEY.test(e.key)) throw new EscapeError(`bad key name ${JSON.stringify(e.key)}`);
  const lines = e.comment === undefined ? [] : [commentLine(e.comment)];
  return [...lines, ...renderValue(e.key, e.value)];
}

function renderValue(key: string, value: Value): string[] {
  if (!isCommandLine(value))
    return [value === "" ? `${key}=` : `${key}=${escapeValue(value, key)}`];
  return renderCommandLine(key, value);
}

/** A command line over several lines, joined by systemd's "\" continuation. */
function renderCommandLine(key: string, line: CommandLine): string[] {
  const words = quoteCommandLine(line);
  const lines: string[] = [];
  let text = `${key}=${words[0]!}`;
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    // A continuation line that starts with "#" or ";" is a comment line to systemd: keep such a
    // word on the line before.
    if (line.breaks.includes(i) && !COMMENT_START.test(w)) {
      lines.push(`${text} \\`);
      text = `    ${w}`;
    } else text += ` ${w}`;
  }
  lines.push(text);
  return lines;
}

const COMMENT_START = /^[#;]/;
