// `ssh -G` output: one "keyword value" line per option, keywords in lower case, repeated for
// list options (identityfile, localforward…), as ssh.c's dump_client_config prints it.

/** keyword → its values, in ssh's order. */
export type SshDump = ReadonlyMap<string, readonly string[]>;

export function parseDump(text: string): SshDump {
  const out = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const space = line.indexOf(" ");
    const key = space < 0 ? line : line.slice(0, space);
    const value = space < 0 ? "" : line.slice(space + 1);
    const list = out.get(key);
    if (list === undefined) out.set(key, [value]);
    else list.push(value);
  }
  return out;
}

export function one(dump: SshDump, key: string): string | undefined {
  return dump.get(key)?.[0];
}

const same = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((v, i) => v === b?.[i]);

/** The keywords whose values differ between two dumps, sorted. */
export function differingKeys(a: SshDump, b: SshDump): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => !same(a.get(k), b.get(k))).sort();
}
