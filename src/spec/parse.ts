// JSON text → value plus a tree of source positions, so every later message can point at the
// line and column of the field it is about. Comments are allowed (starter specs carry them);
// trailing commas and duplicate keys are not.
import { parseTree, printParseErrorCode, type Node, type ParseError } from "jsonc-parser";
import { codeFrame, lineColumnAt, type SpecText } from "./source.ts";
import type { Diagnostic, Severity, SourceLocation } from "../errors.ts";

export interface SpecDocument {
  source: SpecText;
  value: unknown;
  root: Node | undefined;
}

export type ParseResult =
  | { ok: true; doc: SpecDocument; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

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
  const errors: ParseError[] = [];
  const root = parseTree(source.text, errors, {
    allowTrailingComma: false,
    disallowComments: false,
    allowEmptyContent: false,
  });
  const diagnostics = errors.map((e) =>
    diagnosticAt(source, "error", "json/syntax", messageOf(e), e.offset, Math.max(1, e.length), ""),
  );
  if (diagnostics.length > 0 || root === undefined) {
    if (diagnostics.length === 0) {
      diagnostics.push(diagnosticAt(source, "error", "json/empty", "the file is empty", 0, 1, ""));
    }
    return { ok: false, diagnostics };
  }
  const duplicates = findDuplicateKeys(source, root);
  if (duplicates.length > 0) return { ok: false, diagnostics: duplicates };
  return { ok: true, doc: { source, value: nodeValue(root), root }, diagnostics: [] };
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

/** Build the plain value ourselves: jsonc-parser's getNodeValue lets a later duplicate win. */
function nodeValue(node: Node): unknown {
  switch (node.type) {
    case "object": {
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const prop of node.children ?? []) {
        const [key, value] = prop.children ?? [];
        if (key && value) out[String(key.value)] = nodeValue(value);
      }
      return out;
    }
    case "array":
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value;
  }
}

function findDuplicateKeys(source: SpecText, node: Node, pointer = ""): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (node.type === "object") {
    const seen = new Set<string>();
    for (const prop of node.children ?? []) {
      const [key, value] = prop.children ?? [];
      if (!key || !value) continue;
      const name = String(key.value);
      const here = `${pointer}/${escapePointer(name)}`;
      if (seen.has(name)) {
        out.push(
          diagnosticAt(
            source,
            "error",
            "json/duplicate-key",
            `duplicate field "${name}"`,
            key.offset,
            key.length,
            here,
          ),
        );
      }
      seen.add(name);
      out.push(...findDuplicateKeys(source, value, here));
    }
  } else if (node.type === "array") {
    (node.children ?? []).forEach((child, i) =>
      out.push(...findDuplicateKeys(source, child, `${pointer}/${i}`)),
    );
  }
  return out;
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

export function locate(doc: SpecDocument, pointer: string, target?: Node): SourceLocation {
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
