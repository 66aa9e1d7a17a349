// Unit model → text, following systemd.syntax(7). Never an INI writer: those quote values with
// "=" and would turn `ExecStart=/usr/bin/ssh -o A=b` into one word (docs/unit.md).
import { isCommandLine, type Entry, type UnitFile, type Value } from "./model.ts";
import { EscapeError, assertNoControl, escapeValue, quoteCommandLine } from "./escape.ts";
import type { CommandLine } from "./command-line.ts";

const KEY = /^[A-Za-z][A-Za-z0-9]*$/;
const SECTION = /^[A-Za-z][A-Za-z0-9-]*$/;

export function renderUnit(unit: UnitFile): string {
  // One array of lines for the whole file: a generator run renders a thousand of these.
  const out: string[] = [];
  for (const h of unit.header) out.push(commentLine(h));
  for (const s of unit.sections) {
    if (out.length > 0) out.push("");
    if (!SECTION.test(s.name)) throw new EscapeError(`bad section name ${JSON.stringify(s.name)}`);
    out.push(`[${s.name}]`);
    for (const e of s.entries) renderEntry(e, out);
  }
  return out.join("\n") + "\n";
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
  if (known !== undefined) {
    for (const l of known) out.push(l);
    return;
  }
  const lines = entryLines(e);
  if (frozen) rendered.set(e, lines);
  for (const l of lines) out.push(l);
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
  const groups: string[][] = [[]];
  words.forEach((w, i) => {
    // A continuation line that starts with "#" or ";" is a comment line to systemd: keep such a
    // word on the line before.
    if (line.breaks.includes(i) && !/^[#;]/.test(w)) groups.push([]);
    groups[groups.length - 1]!.push(w);
  });
  return groups.map((g, i) => {
    const text = g.join(" ");
    const head = i === 0 ? `${key}=${text}` : `    ${text}`;
    return i < groups.length - 1 ? `${head} \\` : head;
  });
}
