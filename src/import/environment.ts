// The environment a unit's command line is expanded with (systemd.exec(5)): Environment= lines
// (assignments split like words, quotes and escapes; an empty one clears the list), then the
// EnvironmentFile= files, which override them: KEY=VALUE lines, "#" and ";" comment lines, a
// value in double quotes (\" \\ \` \$ and a backslash before a newline) or single quotes, else
// trimmed with backslashes escaping the next character; a key that is not a name is skipped,
// "export KEY=…" included, as systemd's env-file.c does.
import { splitWords } from "./exec-words.ts";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One Environment= value → its assignments, in order. */
export function environmentAssignments(value: string): [string, string][] {
  const split = splitWords(value);
  if ("error" in split) return [];
  const out: [string, string][] = [];
  for (const w of split.words) {
    const eq = w.indexOf("=");
    if (eq > 0 && NAME.test(w.slice(0, eq))) out.push([w.slice(0, eq), w.slice(eq + 1)]);
  }
  return out;
}

/** An EnvironmentFile= text → its assignments, in order. */
export function environmentFile(text: string): [string, string][] {
  const out: [string, string][] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    // Skip blank space and comment lines.
    while (i < n && /[ \t\r\n]/.test(text[i] as string)) i++;
    if (i >= n) break;
    if (text[i] === "#" || text[i] === ";") {
      while (i < n && text[i] !== "\n") i++;
      continue;
    }
    let key = "";
    while (i < n && text[i] !== "=" && text[i] !== "\n") key += text[i++];
    if (text[i] !== "=") continue;
    i++;
    key = key.trim();
    let value = "";
    while (i < n && (text[i] === " " || text[i] === "\t")) i++;
    if (text[i] === '"') {
      i++;
      for (; i < n && text[i] !== '"'; i++) {
        const c = text[i] as string;
        if (c === "\\" && i + 1 < n) {
          const e = text[i + 1] as string;
          if (e === "\n") {
            i++;
            continue;
          }
          if ('"\\`$'.includes(e)) {
            value += e;
            i++;
            continue;
          }
        }
        value += c;
      }
      i++;
      while (i < n && text[i] !== "\n") i++;
    } else if (text[i] === "'") {
      i++;
      for (; i < n && text[i] !== "'"; i++) value += text[i];
      i++;
      while (i < n && text[i] !== "\n") i++;
    } else {
      for (; i < n && text[i] !== "\n"; i++) {
        const c = text[i] as string;
        if (c === "\\" && i + 1 < n) {
          i++;
          if (text[i] !== "\n") value += text[i];
          continue;
        }
        value += c;
      }
      value = value.replace(/[ \t\r]+$/, "");
    }
    if (NAME.test(key)) out.push([key, value]);
  }
  return out;
}
