// Files that are not specs and whose text must never be shown: a private key named by mistake
// (`tunnelc validate /etc/tunnelc/keys/home`), a binary file, any other non-JSON file such as
// /etc/shadow. Such a file is refused with its line and column and nothing of its text: no code
// frame, no excerpt, in every command and output form (the generator's log and status file
// print only the message). Pure; parse.ts asks before it parses.
import type { Code } from "../codes.ts";
import type { Problem } from "./problem.ts";

/**
 * Key material, and PEM armour of any kind: PEM (RFC 7468: "-----BEGIN EC PRIVATE KEY-----",
 * "-----BEGIN PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----"), OpenSSH's own
 * ("-----BEGIN OPENSSH PRIVATE KEY-----", ssh-keygen(1)) and PuTTY's .ppk files
 * ("PuTTY-User-Key-File-2:" / "-3:"). No spec holds either, not even in a string: a unit copies
 * a spec's values into a world-readable file.
 */
const KEY_MARKERS: readonly { marker: string; what: string }[] = [
  { marker: "-----BEGIN", what: "PEM-armoured data (a private key or certificate: -----BEGIN …)" },
  { marker: "PuTTY-User-Key-File-", what: "a PuTTY private key (PuTTY-User-Key-File-…)" },
];

/**
 * A NUL byte, which no text file holds and RFC 8259 allows nowhere in a JSON text: a binary
 * file. (Another raw control character in a spec that starts as JSON stays a located syntax
 * error with its frame, "control character in a string"; in one that does not, notJson
 * refuses the whole file.)
 */
const CONTROL = /\x00/;

const NOT_SHOWN = "its contents are not shown";

function refusal(file: string, code: Code, message: string, offset: number): Problem {
  return {
    severity: "error",
    code,
    message: `${message}; ${NOT_SHOWN}`,
    file,
    pointer: "",
    offset,
    length: 1,
    hideText: true,
  };
}

/** Key material or binary data, refused before anything parses it; else undefined. */
export function keyOrBinary(text: string, file: string): Problem | undefined {
  for (const { marker, what } of KEY_MARKERS) {
    const at = text.indexOf(marker);
    if (at >= 0)
      return refusal(file, "spec/key-material", `this is ${what}, not a tunnel spec`, at);
  }
  const control = CONTROL.exec(text);
  if (control !== null)
    return refusal(
      file,
      "spec/not-text",
      "this is binary data (a NUL byte), not a tunnel spec",
      control.index,
    );
  return undefined;
}

/**
 * A text that does not parse and does not even start as a JSON document (a "{" or "["), refused
 * whole: its first line is likely someone's secret (a password hash, a token), not a spec with
 * a typo. A text that starts as JSON keeps its located syntax errors and their frames.
 */
export function notJson(text: string, file: string): Problem | undefined {
  const at = firstToken(text);
  if (at >= text.length) return undefined; // empty: json/empty says so
  const c = text[at];
  if (c === "{" || c === "[") return undefined;
  return refusal(
    file,
    "spec/not-json",
    'this is not JSON (a spec starts with "{"), not a tunnel spec',
    at,
  );
}

/** The offset of the first character that is neither JSON white space nor in a comment. */
function firstToken(text: string): number {
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") i++;
    else if (text.startsWith("//", i)) {
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end + 1;
    } else if (text.startsWith("/*", i)) {
      const end = text.indexOf("*/", i + 2);
      if (end < 0) return i;
      i = end + 2;
    } else return i;
  }
  return i;
}
