// The directories `systemctl --root=DIR enable` and `disable` write links into, checked against
// --root's jail (src/edge/in-root.ts) before systemctl runs: systemctl itself follows a link
// there out of DIR (systemd 252 made DIR/…/multi-user.target.wants/NAME.service through a
// multi-user.target.wants -> /elsewhere link, in /elsewhere). Pure: queries and what their
// answers mean.
import { join } from "node:path";
import type { Facts, Query } from "../edge/query.ts";
import type { Refusal } from "../edge/plan.ts";

/**
 * The [Install] directives that make a link in TARGET.wants/, .requires/ or .upholds/
 * (systemd.unit(5) "[Install] Section Options"); Alias= links sit in the unit directory itself,
 * which the unit file's own read already checked.
 */
const LINK_DIRS: Record<string, string> = {
  WantedBy: ".wants",
  RequiredBy: ".requires",
  UpheldBy: ".upholds",
};

/** The link directories a unit's [Install] section names, below the unit directory dir. */
export function enableDirs(unitText: string, dir: string): string[] {
  const out: string[] = [];
  let inInstall = false;
  for (const line of unitText.split("\n")) {
    if (line.startsWith("[")) inInstall = line.trim() === "[Install]";
    const m = inInstall ? /^(\w+)=(.*)$/.exec(line) : null;
    const suffix = m ? LINK_DIRS[m[1]!] : undefined;
    if (m && suffix) for (const t of m[2]!.split(/\s+/)) if (t) out.push(join(dir, t + suffix));
  }
  return out;
}

export interface EnableUnit {
  unit: string;
  text: string;
}

const query = (root: string, path: string) => ({ kind: "in-root", root, path }) as const;

/** One query per link directory of the units, for the gatherer. */
export function enableDirQueries(units: readonly EnableUnit[], dir: string, root: string): Query[] {
  return units.flatMap((u) => enableDirs(u.text, dir).map((d) => query(root, d)));
}

/** A refusal for each link directory that leads out of the root (or loops). */
export function enableDirRefusals(
  facts: Facts,
  units: readonly EnableUnit[],
  dir: string,
  root: string,
  verb: "enable" | "disable",
): Refusal[] {
  return units.flatMap((u) =>
    enableDirs(u.text, dir).flatMap((path): Refusal[] => {
      const { error } = facts.get(query(root, path));
      return error === undefined
        ? []
        : [
            {
              code: "root/link-out",
              unit: u.unit,
              path,
              message: `cannot ${verb} ${u.unit}: ${error}`,
            },
          ];
    }),
  );
}
