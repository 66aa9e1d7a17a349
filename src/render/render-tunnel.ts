// Checked tunnels → rendered units: the pure end of the pipeline.
import { buildUnit, unitFileName } from "./build-unit.ts";
import { renderUnit } from "../unit/render.ts";
import type { SourcedTunnel } from "../model/tunnel.ts";

export interface CompiledUnit {
  name: string;
  fileName: string;
  scope: "system" | "user";
  text: string;
  source: SourcedTunnel;
}

export function compileTunnel(t: SourcedTunnel): CompiledUnit {
  return {
    name: t.tunnel.name,
    fileName: unitFileName(t.tunnel),
    scope: t.tunnel.scope,
    text: renderUnit(buildUnit(t)),
    source: t,
  };
}
