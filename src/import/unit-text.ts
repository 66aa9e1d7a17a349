// A unit file's text (or `systemctl cat` output: several files, each after a "# /path" line) →
// its directives, each with the file, line and column it came from, as systemd.syntax(7) reads
// them: [Section] headers, "#" and ";" comment lines, Key=Value with the white space around key
// and value dropped, and a line ending in a backslash continued on the next (the backslash read
// as a space; comment lines inside a continuation are skipped).

export interface Directive {
  section: string;
  key: string;
  value: string;
  file: string;
  line: number;
  column: number;
  /** Where each character of value came from: its line and column (values may span lines). */
  at(offset: number): { line: number; column: number };
}

/** `systemctl cat` starts each file with "# " and its absolute path. */
const CAT_HEADER = /^# (\/\S+\.(?:service|conf))\s*$/;

export interface UnitText {
  directives: Directive[];
  /** The files read, in order (the unit, then its drop-ins, for `systemctl cat`). */
  files: string[];
}

export function readUnitText(file: string, text: string): UnitText {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const directives: Directive[] = [];
  const files = [file];
  let current = file;
  let section = "";
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const header = CAT_HEADER.exec(raw);
    if (header !== null) {
      current = header[1] as string;
      // The first header names the unit read from stdin; later ones its drop-ins.
      if (files.length === 1 && directives.length === 0) files[0] = current;
      else files.push(current);
      section = "";
      continue;
    }
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";")) continue;
    if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
      section = trimmed.slice(1, -1);
      continue;
    }
    const eq = raw.indexOf("=");
    if (eq < 0) continue;
    const key = raw.slice(0, eq).trim();
    const line = i + 1;
    // The value and, for each of its characters, where it came from.
    const segments: { from: number; line: number; column: number }[] = [];
    let value = "";
    const lead = raw.slice(eq + 1).match(/^\s*/)?.[0].length ?? 0;
    let part = raw.slice(eq + 1 + lead);
    let partLine = line;
    let partColumn = eq + 2 + lead;
    for (;;) {
      const continued = /\\$/.test(part);
      segments.push({ from: value.length, line: partLine, column: partColumn });
      value += continued ? `${part.slice(0, -1)} ` : part;
      if (!continued) break;
      // The next line that is not a comment continues it (systemd.syntax(7)).
      let j = i + 1;
      while (j < lines.length && /^\s*[#;]/.test(lines[j] as string)) j++;
      if (j >= lines.length) break;
      i = j;
      part = lines[j] as string;
      partLine = j + 1;
      partColumn = 1;
    }
    value = value.replace(/\s+$/, "");
    const at = (offset: number) => {
      let s = segments[0] as (typeof segments)[number];
      for (const seg of segments) if (seg.from <= offset) s = seg;
      return { line: s.line, column: s.column + (offset - s.from) };
    };
    directives.push({ section, key, value, file: current, line, column: eq + 2 + lead, at });
  }
  return { directives, files };
}
