// systemd.unit(5) "Specifiers", the ones that follow from the unit's name, its account and the
// system manager's fixed directories. Any other (%H, %m, %b…: the host import runs on is not
// the host the unit ran on) is an error naming it, never left in or guessed.

export interface UnitName {
  /** "autossh@home.service", "tunnel.service". */
  full: string;
  prefix: string;
  instance?: string;
  /** User=, when the unit names one; else root. */
  user?: string;
}

/** systemd-escape's unescaping of a name (unit_name_unescape): "-" is "/", "\xNN" a byte. */
export function unescapeName(s: string): string {
  return s
    .replace(/-/g, "/")
    .replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** unit_name_path_unescape, for %f: "/" and the unescaped name, one leading "/" only. */
function asPath(s: string): string {
  return `/${unescapeName(s).replace(/^\/+/, "")}`;
}

/** The value of each specifier for this unit, in the system manager. */
function table(u: UnitName): Record<string, string | undefined> {
  const root = u.user === undefined || u.user === "root";
  const last = u.prefix.slice(u.prefix.lastIndexOf("-") + 1);
  return {
    n: u.full,
    N: u.full.replace(/\.service$/, ""),
    p: u.prefix,
    P: unescapeName(u.prefix),
    i: u.instance ?? "",
    I: unescapeName(u.instance ?? ""),
    j: last,
    J: unescapeName(last),
    f: asPath(u.instance ?? u.prefix),
    t: "/run",
    S: "/var/lib",
    C: "/var/cache",
    L: "/var/log",
    E: "/etc",
    T: "/tmp",
    V: "/var/tmp",
    u: root ? "root" : u.user,
    h: root ? "/root" : undefined,
    U: root ? "0" : undefined,
    "%": "%",
  };
}

export type Expanded = { ok: true; text: string } | { ok: false; offset: number; message: string };

export function expandSpecifiers(text: string, u: UnitName): Expanded {
  const values = table(u);
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c !== "%") {
      out += c;
      continue;
    }
    const s = text[i + 1];
    const value = s === undefined ? undefined : values[s];
    if (value === undefined)
      return {
        ok: false,
        offset: i,
        message:
          s === undefined
            ? "a lone % at the end (systemd.unit(5): write %% for a percent sign)"
            : s === "h" || s === "U"
              ? `%${s} is the home or id of the account ${u.user ?? ""}, which import cannot know here: write it out`
              : `the specifier %${s} is not one import expands (it depends on the machine the unit ran on; docs/import.md lists those it does)`,
      };
    out += value;
    i++;
  }
  return { ok: true, text: out };
}
