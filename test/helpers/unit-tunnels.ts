// Units with the tunnels they were rendered from, for tests that check one against the other. A
// unit does not carry its tunnel (the model does): they are matched here by name.
import type { PipelineResult, CompiledUnit } from "../../src/render/units.ts";
import type { Tunnel } from "../../src/model/tunnel.ts";

export type UnitWithTunnel = CompiledUnit & { tunnel: Tunnel };

export function unitsWithTunnels(r: PipelineResult): UnitWithTunnel[] {
  const byName = new Map(r.model.tunnels.map((t) => [t.tunnel.name, t.tunnel]));
  return r.units.map((u) => ({ ...u, tunnel: byName.get(u.name)! }));
}
