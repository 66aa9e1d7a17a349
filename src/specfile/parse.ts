// JSON text → value, in one streaming pass that also finds duplicate keys; problems carry the
// offset where the text is broken (locate.ts turns it into line and column, and builds the tree
// of positions other messages need). Comments are allowed (starter specs carry them); trailing
// commas and duplicate keys are not.
import type { Code } from "../codes.ts";
import { printParseErrorCode, visit, type ParseError, type ParseOptions } from "jsonc-parser";
import type { SpecText } from "./source.ts";
import type { Problem } from "./problem.ts";
import { keyOrBinary, notJson } from "./not-a-spec.ts";

export type ParseResult = { ok: true; value: unknown } | { ok: false; problems: Problem[] };

export const OPTIONS: ParseOptions = {
  allowTrailingComma: false,
  disallowComments: false,
  allowEmptyContent: false,
};

const MESSAGES: Record<string, string> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "malformed number",
  PropertyNameExpected: "expected a quoted field name",
  ValueExpected: "expected a value",
  ColonExpected: "expected ':'",
  CommaExpected: "expected ',' or a closing bracket",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: "unexpected text after the end of the JSON value",
  InvalidCommentToken: "malformed comment",
  UnexpectedEndOfComment: "unterminated comment",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "unterminated number",
  InvalidUnicode: "invalid \\u escape",
  InvalidEscapeCharacter: "invalid escape in a string",
  InvalidCharacter: "control character in a string (escape it, e.g. \\n)",
};

/** No spec needs deeper nesting; far deeper would exhaust the stack of any recursive parser. */
export const MAX_DEPTH = 32;

export function parseSpec(source: SpecText): ParseResult {
  // A key or a binary file is refused before it is parsed, and shown nowhere (not-a-spec.ts).
  const secret = keyOrBinary(source.text, source.file);
  if (secret !== undefined) return { ok: false, problems: [secret] };
  const plain = plainJson(source.text);
  if (plain !== NOT_PLAIN) return { ok: true, value: plain };
  const located = parseLocated(source);
  if (located.ok) return located;
  const other = notJson(source.text, source.file);
  return other === undefined ? located : { ok: false, problems: [other] };
}

/** The streaming parse, which locates every problem; exported for the test that holds the fast path to it. */
export function parseLocated(source: SpecText): ParseResult {
  const at = (code: Code, message: string, offset: number, length: number, pointer = "") => ({
    severity: "error" as const,
    code,
    message,
    file: source.file,
    pointer,
    offset,
    length,
  });
  const tooDeep = depthExceededAt(source.text, MAX_DEPTH);
  if (tooDeep >= 0) {
    const message = `nested deeper than ${MAX_DEPTH} levels: no spec needs that`;
    return { ok: false, problems: [at("json/too-deep", message, tooDeep, 1)] };
  }
  const { value, empty, errors, duplicates } = buildValue(source.text);
  const problems = trailingCommas(source.text, errors).map((e) =>
    "comma" in e
      ? at("json/syntax", TRAILING_COMMA, e.comma, 1)
      : at("json/syntax", messageOf(e), e.offset, Math.max(1, e.length)),
  );
  if (problems.length === 0 && empty) problems.push(at("json/empty", "the file is empty", 0, 1));
  if (problems.length > 0) return { ok: false, problems };
  const dups = duplicates.map((d) =>
    at("json/duplicate-key", `duplicate field "${d.name}"`, d.offset, d.length, d.pointer),
  );
  if (dups.length > 0) return { ok: false, problems: dups };
  return { ok: true, value };
}

const NOT_PLAIN = Symbol("not plain JSON");

/**
 * The fast path, for the usual spec: plain JSON (no comments) without duplicate fields, nested
 * no deeper than MAX_DEPTH. JSON.parse is native and many times faster than the streaming
 * visitor; it keeps the last of duplicate fields silently, so the field names in the text are
 * counted against the fields in the value. Anything else (a comment, a syntax error, a
 * duplicate, too deep) returns NOT_PLAIN and takes the located path below, so every message is
 * the same. The value is copied into objects without prototypes, as buildValue makes them.
 */
function plainJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return NOT_PLAIN;
  }
  const count = { fields: 0 };
  const copy = withoutPrototypes(value, 1, count);
  if (copy === NOT_PLAIN) return NOT_PLAIN;
  return fieldNames(text) === count.fields ? copy : NOT_PLAIN;
}

/** RFC 8259's white space: space, tab, line feed, carriage return. */
const isJsonSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** The number of field names in `text`, which JSON.parse accepted: strings followed by ":". */
function fieldNames(text: string): number {
  let names = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== 0x22) continue;
    // Past the string (valid JSON: every backslash escapes the next character).
    for (i++; text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    let j = i + 1;
    while (isJsonSpace(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) === 0x3a) names++;
    i = j - 1;
  }
  return names;
}

function withoutPrototypes(v: unknown, depth: number, count: { fields: number }): unknown {
  if (v === null || typeof v !== "object") return v;
  if (depth > MAX_DEPTH) return NOT_PLAIN;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) {
      const c = withoutPrototypes(v[i], depth + 1, count);
      if (c === NOT_PLAIN) return NOT_PLAIN;
      out.push(c);
    }
    return out;
  }
  const out = Object.create(null) as Record<string, unknown>;
  const from = v as Record<string, unknown>;
  const keys = Object.keys(from);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const c = withoutPrototypes(from[k], depth + 1, count);
    if (c === NOT_PLAIN) return NOT_PLAIN;
    out[k] = c;
    count.fields++;
  }
  return out;
}

interface Frame {
  container: Record<string, unknown> | unknown[];
  pointer: string;
  key?: string;
  keys?: Set<string>;
}

interface Duplicate {
  name: string;
  offset: number;
  length: number;
  pointer: string;
}

/** One streaming pass: the value (objects without prototypes), syntax errors, duplicate keys. */
function buildValue(text: string) {
  const errors: ParseError[] = [];
  const duplicates: Duplicate[] = [];
  const stack: Frame[] = [];
  let root: unknown;
  let empty = true;
  const childPointer = (top: Frame | undefined) =>
    top === undefined
      ? ""
      : `${top.pointer}/${Array.isArray(top.container) ? top.container.length : escapePointer(top.key ?? "")}`;
  const assign = (v: unknown) => {
    empty = false;
    const top = stack[stack.length - 1];
    if (top === undefined) root = v;
    else if (Array.isArray(top.container)) top.container.push(v);
    else top.container[top.key ?? ""] = v;
  };
  const open = (container: Frame["container"], keys?: Set<string>) => {
    const frame: Frame = {
      container,
      pointer: childPointer(stack[stack.length - 1]),
      ...(keys && { keys }),
    };
    assign(container);
    stack.push(frame);
  };
  visit(
    text,
    {
      onObjectBegin: () => open(Object.create(null) as Record<string, unknown>, new Set()),
      onArrayBegin: () => open([]),
      onObjectEnd: () => void stack.pop(),
      onArrayEnd: () => void stack.pop(),
      onObjectProperty: (name, offset, length) => {
        const top = stack[stack.length - 1]!;
        top.key = name;
        if (top.keys?.has(name))
          duplicates.push({
            name,
            offset,
            length,
            pointer: `${top.pointer}/${escapePointer(name)}`,
          });
        top.keys?.add(name);
      },
      onLiteralValue: (v) => assign(v),
      onError: (error, offset, length) => errors.push({ error, offset, length }),
    },
    OPTIONS,
  );
  return { value: root, empty, errors, duplicates };
}

/** Offset of the first "[" or "{" past the depth limit, outside strings and comments; -1 if none. */
function depthExceededAt(text: string, limit: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === "[" || c === "{") {
      if (++depth > limit) return i;
    } else if (c === "]" || c === "}") depth--;
  }
  return -1;
}

const TRAILING_COMMA =
  "invalid JSON: trailing comma (JSON allows none before a closing '}' or ']'): remove it";

/**
 * jsonc-parser reports a comma before "}" or "]" as the field name and the value it expected
 * there, two errors at the closing bracket: one problem instead, at the comma itself.
 */
function trailingCommas(
  text: string,
  errors: readonly ParseError[],
): (ParseError | { comma: number })[] {
  const commaBefore = (offset: number): number | undefined => {
    if (text[offset] !== "}" && text[offset] !== "]") return undefined;
    let i = offset - 1;
    while (i >= 0 && isJsonSpace(text.charCodeAt(i))) i--;
    return text[i] === "," ? i : undefined;
  };
  const seen = new Set<number>();
  return errors.flatMap((e): (ParseError | { comma: number })[] => {
    const comma = commaBefore(e.offset);
    if (comma === undefined) return [e];
    if (seen.has(comma)) return [];
    seen.add(comma);
    return [{ comma }];
  });
}

function messageOf(e: ParseError): string {
  const name = printParseErrorCode(e.error);
  return `invalid JSON: ${MESSAGES[name] ?? name}`;
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}
