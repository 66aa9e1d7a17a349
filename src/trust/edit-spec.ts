// Writing pinned keys into a spec's text with jsonc-parser's edits, so comments, key order and
// layout stay as the user wrote them. Pure.
import { applyEdits, modify, type FormattingOptions } from "jsonc-parser";

export function detectFormatting(text: string): FormattingOptions {
  const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? "  ";
  const tabs = indent.includes("\t");
  return {
    insertSpaces: !tabs,
    tabSize: tabs ? 1 : indent.length,
    eol: text.includes("\r\n") ? "\r\n" : "\n",
  };
}

/** Sets server.hostKeys of the tunnel at `path` (e.g. ["tunnels", 2]) and makes its policy "pinned". */
export function pinKeys(
  text: string,
  path: (string | number)[],
  keys: string[],
  hasPolicy: boolean,
): string {
  const formattingOptions = detectFormatting(text);
  let out = applyEdits(
    text,
    modify(text, [...path, "server", "hostKeys"], keys, { formattingOptions }),
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
): string {
  const formattingOptions = detectFormatting(text);
  return applyEdits(
    text,
    modify(text, [...path, "server", "jump", index, "hostKeys"], keys, { formattingOptions }),
  );
}
