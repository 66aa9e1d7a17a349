// Writing pinned keys into a spec's text with jsonc-parser's edits, so comments, key order and
// layout stay as the user wrote them. Callers with the model pass the server value as written
// (`written`); without it, it is read from the text. Pure.
import {
  applyEdits,
  findNodeAtLocation,
  getNodeValue,
  modify,
  parseTree,
  type FormattingOptions,
} from "jsonc-parser";
import { expandServer } from "../specfile/server-forms.ts";

export function detectFormatting(text: string): FormattingOptions {
  const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? "  ";
  const tabs = indent.includes("\t");
  return {
    insertSpaces: !tabs,
    tabSize: tabs ? 1 : indent.length,
    eol: text.includes("\r\n") ? "\r\n" : "\n",
  };
}

/** The tunnel's "server" as it stands in the text being edited. */
export interface Written {
  server: unknown;
}

/** A JSON path in the spec: ["tunnels", 2, "server"], ["relays", "eu"]. */
export type Path = (string | number)[];

/**
 * Sets hostKeys of the server at `at.server` (a tunnel's "server", or one of a fleet's
 * "relays") and, with `at.policy`, makes that hostKeyPolicy "pinned".
 */
export function pinKeys(
  text: string,
  at: { server: Path; policy?: Path },
  keys: string[],
  written: Written = serverAt(text, at.server),
): string {
  const formattingOptions = detectFormatting(text);
  const base = serverAsObject(text, at.server, written.server, formattingOptions);
  let out = applyEdits(base, modify(base, [...at.server, "hostKeys"], keys, { formattingOptions }));
  if (at.policy !== undefined)
    out = applyEdits(out, modify(out, at.policy, "pinned", { formattingOptions }));
  return out;
}

/** Sets jump[index].hostKeys of the server at `server`. */
export function pinJumpKeys(
  text: string,
  server: Path,
  index: number,
  keys: string[],
  written: Written = serverAt(text, server),
): string {
  const formattingOptions = detectFormatting(text);
  const base = serverAsObject(text, server, written.server, formattingOptions);
  return applyEdits(
    base,
    modify(base, [...server, "jump", index, "hostKeys"], keys, { formattingOptions }),
  );
}

/**
 * Keys need the object form: a server string (or jump strings) is rewritten as the objects it
 * stands for before "hostKeys" is added beside them.
 */
function serverAsObject(
  text: string,
  server: Path,
  value: unknown,
  formattingOptions: FormattingOptions,
): string {
  const jump = (value as { jump?: unknown } | null)?.jump;
  const hasStrings =
    typeof value === "string" ||
    typeof jump === "string" ||
    (Array.isArray(jump) && jump.some((j) => typeof j === "string"));
  if (!hasStrings) return text;
  return applyEdits(text, modify(text, server, expandServer(value), { formattingOptions }));
}

function serverAt(text: string, server: Path): Written {
  const tree = parseTree(text);
  const node = tree && findNodeAtLocation(tree, server);
  return { server: node && (getNodeValue(node) as unknown) };
}
