// ssh's own forward syntax on init's command line (-R/-L/-D, ssh(1)) → spec forwards.
//   -R [bind_address:]port:host:hostport    -L [bind_address:]port:host:hostport    -D [bind_address:]port

export type ForwardFlag =
  | { remote: number | string; to: string }
  | { local: number | string; to: string }
  | { dynamic: number | string };

/** Splits on ":" outside [brackets]. */
function parts(text: string): string[] {
  const out: string[] = [];
  let cur = "";
  let depth = 0;
  for (const c of text) {
    if (c === "[") depth++;
    if (c === "]") depth--;
    if (c === ":" && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

const bind = (p: string[]): number | string =>
  p.length === 1 && /^\d+$/.test(p[0]!) ? Number(p[0]) : p.join(":");

/** A forward, or a message saying what the flag should look like. */
export function parseForwardFlag(kind: "R" | "L" | "D", text: string): ForwardFlag | string {
  const p = parts(text);
  if (kind === "D")
    return p.length > 2 ? `-D ${text}: expected [address:]port` : { dynamic: bind(p) };
  if (p.length < 3 || p.length > 4)
    return `-${kind} ${text}: expected [address:]port:host:hostport`;
  const to = p.slice(-2).join(":");
  const b = bind(p.slice(0, -2));
  return kind === "R" ? { remote: b, to } : { local: b, to };
}
