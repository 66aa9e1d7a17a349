// The final pass: problems recorded by JSON pointer → Diagnostics with line, column and a code
// frame. Each file's position tree is built here, at most once, and only when the file has a
// problem: a good spec never needs it (it was a third of the memory of a 1,000-tunnel compile).
import { parseTree, type Node } from "jsonc-parser";
import { codeFrame, LineIndex, type SpecText } from "./source.ts";
import { OPTIONS, unescapePointer } from "./parse.ts";
import type { Problem } from "./problem.ts";
import type { Diagnostic } from "../errors.ts";

/** A spec's text, and whether fleet defaults were merged into its tunnels (merge-defaults.ts). */
export interface LocatableText extends SpecText {
  mergedDefaults?: boolean;
}

let treesBuilt = 0;
/** How many position trees have been built in this process (for the tests). */
export const positionTreesBuilt = (): number => treesBuilt;

/** Diagnostics in the order of the problems given, each place and message once. */
export function locate(problems: Problem[], documents: LocatableText[]): Diagnostic[] {
  const trees = new Map<string, () => Node | undefined>();
  const treeOf = (doc: LocatableText) => {
    let get = trees.get(doc.file);
    if (get === undefined) {
      let tree: Node | undefined | null = null;
      get = () => {
        if (tree === null) {
          treesBuilt++;
          tree = parseTree(doc.text, [], OPTIONS);
        }
        return tree;
      };
      trees.set(doc.file, get);
    }
    return get;
  };
  const lineIndexes = new Map<string, LineIndex>();
  const linesOf = (doc: LocatableText) => {
    let index = lineIndexes.get(doc.file);
    if (index === undefined) lineIndexes.set(doc.file, (index = new LineIndex(doc.text)));
    return index;
  };
  const seen = new Set<string>();
  return problems.flatMap((p) => {
    const doc = documents.find((d) => d.file === p.file) ?? { file: p.file, text: "" };
    const d = diagnosticOf(p, doc, treeOf(doc), linesOf(doc));
    // A field written once in "defaults", or once for a device of several relays, is checked
    // in every tunnel it reaches: one message for the place where it is written.
    const key = `${p.file}\0${d.location.line}:${d.location.column}\0${d.location.pointer}\0${d.code}\0${d.message}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [d];
  });
}

function diagnosticOf(
  p: Problem,
  doc: LocatableText,
  root: () => Node | undefined,
  lines: LineIndex,
): Diagnostic {
  let pointer = p.pointer;
  let offset: number;
  let length: number;
  if (p.offset !== undefined) {
    offset = p.offset;
    length = p.length ?? 1;
  } else {
    if (doc.mergedDefaults) pointer = writtenAt(root(), pointer);
    const node =
      (p.key && keyNodeAt(root(), p.key.parent, p.key.name)) ?? nodeAt(root(), pointer).node;
    offset = node?.offset ?? 0;
    length =
      p.length ?? (node && node.type !== "object" && node.type !== "array" ? node.length : 1);
  }
  const { line, column } = lines.at(offset);
  return {
    severity: p.severity,
    code: p.code,
    message: p.message,
    location: { file: p.file, line, column, pointer, length },
    ...(!p.hideText && { frame: codeFrame(lines, line, column, length) }),
  };
}

/**
 * A merged tunnel field is reported where it was written: in the tunnel, or in "defaults" when
 * the tunnel left it out.
 */
function writtenAt(root: Node | undefined, pointer: string): string {
  const m = /^\/tunnels\/\d+(\/.*)$/.exec(pointer);
  if (!m || nodeAt(root, pointer).exact) return pointer;
  const fromDefaults = `/defaults${m[1]}`;
  return nodeAt(root, fromDefaults).exact ? fromDefaults : pointer;
}

/** The node a JSON pointer names, or the deepest existing ancestor. */
function nodeAt(
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
function keyNodeAt(root: Node | undefined, pointer: string, key: string): Node | undefined {
  const { node } = nodeAt(root, pointer);
  return node?.children?.find((p) => p.children?.[0]?.value === key)?.children?.[0];
}
