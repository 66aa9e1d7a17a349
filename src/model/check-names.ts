// One tunnel name, one unit file (<name>.service): a name used twice, in one spec or in two
// specs compiled together, is refused. Fed spec by spec, in order, so every name is seen once.
import { seedPointer } from "./check-rules.ts";
import { Problems, type Problem } from "../specfile/problem.ts";
import type { SourcedTunnel } from "./tunnel.ts";

export class NameCheck {
  /** The last definition of each name: the file and the spec (by its index) it came from. */
  private readonly owner = new Map<string, { file: string; spec: number; pointer: string }>();
  private specs = 0;

  /** The problems with this spec's names, against its own and every earlier spec's. */
  check(file: string, tunnels: SourcedTunnel[], seed: boolean): Problem[] {
    const spec = this.specs++;
    const out = new Problems(file);
    for (const { tunnel, pointer } of tunnels) {
      const at = seed ? seedPointer(`${pointer}/name`) : `${pointer}/name`;
      const other = this.owner.get(tunnel.name);
      if (other?.spec === spec)
        out.add(
          "error",
          "rule/duplicate-name",
          at,
          `tunnel name "${tunnel.name}" is already used at ${other.pointer || "/"}: each tunnel is one unit file, ${tunnel.name}.service`,
        );
      else if (other !== undefined && other.file !== file)
        out.add(
          "error",
          "rule/duplicate-name",
          at,
          `tunnel name "${tunnel.name}" is also defined in ${other.file}: both would write ${tunnel.name}.service`,
        );
      if (other?.spec !== spec) this.owner.set(tunnel.name, { file, spec, pointer });
    }
    return out.list;
  }
}
