// JSON text → value, and (only when a message needs it) a tree of source positions, so every
// message can point at the line and column of the field it is about. The value is built in one
// streaming pass that also finds duplicate keys; the position tree is built on first use, since
// a good spec never needs it (it was a third of the memory of a 1,000-tunnel compile). Comments
// are allowed (starter specs carry them); trailing commas and duplicate keys are not.
import {
  parseTree,
  printParseErrorCode,
  visit,
  type Node,
  type ParseError,
  type ParseOptions,
} from "jsonc-parser";
import { codeFrame, lineColumnAt, type SpecText } from "./source.ts";
import type { Diagnostic, Severity, SourceLocation } from "../errors.ts";

export interface SpecDocument {
  source: SpecText;
  value: unknown;
  /** The position tree, built on first use. */
  readonly root: Node | undefined;
  /** For a value derived from the text (defaults merged in): where a pointer's value was written. */
  mapPointer?: (pointer: string) => string;
}

export type ParseResult =
  | { ok: true; doc: SpecDocument; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

const OPTIONS: ParseOptions = {
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
  const tooDeep = depthExceededAt(source.text, MAX_DEPTH);
  if (tooDeep >= 0) {
    const message = `nested deeper than ${MAX_DEPTH} levels: no spec needs that`;
    return {
      ok: false,
      diagnostics: [diagnosticAt(source, "error", "json/too-deep", message, tooDeep, 1, "")],
    };
  }
  const { value, empty, errors, duplicates } = buildValue(source.text);
  const diagnostics = errors.map((e) =>
    diagnosticAt(source, "error", "json/syntax", messageOf(e), e.offset, Math.max(1, e.length), ""),
  );
  if (diagnostics.length === 0 && empty) {
    diagnostics.push(diagnosticAt(source, "error", "json/empty", "the file is empty", 0, 1, ""));
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  const dups = duplicates.map((d) =>
    diagnosticAt(
      source,
      "error",
      "json/duplicate-key",
      `duplicate field "${d.name}"`,
      d.offset,
      d.length,
      d.pointer,
    ),
  );
  if (dups.length > 0) return { ok: false, diagnostics: dups };
  return { ok: true, doc: documentOf(source, value), diagnostics: [] };
}

function documentOf(source: SpecText, value: unknown): SpecDocument {
  let tree: Node | undefined | null = null;
  return {
    source,
    value,
    get root() {
      if (tree === null) tree = parseTree(source.text, [], OPTIONS);
      return tree;
    },
  };
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

function messageOf(e: ParseError): string {
  const name = printParseErrorCode(e.error);
  return `invalid JSON: ${MESSAGES[name] ?? name}`;
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** The node a JSON pointer names, or the deepest existing ancestor. */
export function nodeAt(
  root: Node | undefined,
  pointer: string,
): { node: Node | undefined; exact: boolean } {
  let node = root;
  const segments = pointer === "" ? [] : pointer.slice(1).split("/").map(unescapePointer);
  for (const segment of segments) {
    const next = childOf(node, segment);
    if (!next) return { node, exact: false };
    node = next;
  }
  return { node, exact: true };
}

function childOf(node: Node | undefined, segment: string): Node | undefined {
  if (node?.type === "object") {
    const prop = node.children?.find((p) => p.children?.[0]?.value === segment);
    return prop?.children?.[1];
  }
  if (node?.type === "array") return node.children?.[Number(segment)];
  return undefined;
}

/** The key node of an object's field, for messages about the field name itself. */
export function keyNodeAt(root: Node | undefined, pointer: string, key: string): Node | undefined {
  const { node } = nodeAt(root, pointer);
  return node?.children?.find((p) => p.children?.[0]?.value === key)?.children?.[0];
}

export function locate(doc: SpecDocument, given: string, target?: Node): SourceLocation {
  const pointer = doc.mapPointer?.(given) ?? given;
  const node = target ?? nodeAt(doc.root, pointer).node;
  const offset = node?.offset ?? 0;
  const length = node && node.type !== "object" && node.type !== "array" ? node.length : 1;
  const { line, column } = lineColumnAt(doc.source.text, offset);
  return { file: doc.source.file, line, column, pointer, length };
}

export function diagnosticAt(
  source: SpecText,
  severity: Severity,
  code: string,
  message: string,
  offset: number,
  length: number,
  pointer: string,
): Diagnostic {
  const { line, column } = lineColumnAt(source.text, offset);
  return {
    severity,
    code,
    message,
    location: { file: source.file, line, column, pointer, length },
    frame: codeFrame(source.text, line, column, length),
  };
}

export function diagnosticFor(
  doc: SpecDocument,
  severity: Severity,
  code: string,
  pointer: string,
  message: string,
  target?: Node,
): Diagnostic {
  const location = locate(doc, pointer, target);
  return {
    severity,
    code,
    message,
    location,
    frame: codeFrame(doc.source.text, location.line, location.column, location.length),
  };
}
