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

/** Sets server.hostKeys of the tunnel at `path` (e.g. ["tunnels", 2]) and makes its policy "pinned". */
export function pinKeys(
  text: string,
  path: (string | number)[],
  keys: string[],
  hasPolicy: boolean,
  written: Written = serverAt(text, path),
): string {
  const formattingOptions = detectFormatting(text);
  const base = serverAsObject(text, path, written.server, formattingOptions);
  let out = applyEdits(
    base,
    modify(base, [...path, "server", "hostKeys"], keys, { formattingOptions }),
  );
  if (hasPolicy)
    out = applyEdits(out, modify(out, [...path, "hostKeyPolicy"], "pinned", { formattingOptions }));
  return out;
}

/** Sets server.jump[index].hostKeys of the tunnel at `path`. */
export function pinJumpKeys(
  text: string,
  path: (string | number)[],
  index: number,
  keys: string[],
  written: Written = serverAt(text, path),
): string {
  const formattingOptions = detectFormatting(text);
  const base = serverAsObject(text, path, written.server, formattingOptions);
  return applyEdits(
    base,
    modify(base, [...path, "server", "jump", index, "hostKeys"], keys, { formattingOptions }),
  );
}

/**
 * Keys need the object form: a "server" string (or jump strings) is rewritten as the objects it
 * stands for before "hostKeys" is added beside them.
 */
function serverAsObject(
  text: string,
  path: (string | number)[],
  value: unknown,
  formattingOptions: FormattingOptions,
): string {
  const jump = (value as { jump?: unknown } | null)?.jump;
  const hasStrings =
    typeof value === "string" ||
    typeof jump === "string" ||
    (Array.isArray(jump) && jump.some((j) => typeof j === "string"));
  if (!hasStrings) return text;
  return applyEdits(
    text,
    modify(text, [...path, "server"], expandServer(value), { formattingOptions }),
  );
}

function serverAt(text: string, path: (string | number)[]): Written {
  const tree = parseTree(text);
  const node = tree && findNodeAtLocation(tree, [...path, "server"]);
  return { server: node && (getNodeValue(node) as unknown) };
}
