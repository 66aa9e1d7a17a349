// The back end that writes units: the fleet model → one rendered .service file per tunnel. Pure.
import { buildUnit } from "./build-unit.ts";
import { renderUnit } from "../unit/render.ts";
import { buildModel, type FleetModel } from "../model/build-model.ts";
import { unitFileName, type ModelTunnel } from "../model/tunnel.ts";
import type { SpecText } from "../specfile/source.ts";
import type { Diagnostic } from "../errors.ts";

export interface CompiledUnit {
  name: string;
  fileName: string;
  scope: "system" | "user";
  text: string;
  /** Where its tunnel was written; the tunnel itself is the model's (FleetModel.tunnels). */
  origin: { file: string; specName: string; pointer: string };
}

let rendered = 0;
/** How many units have been rendered in this process (for the tests). */
export const unitsRendered = (): number => rendered;

export function renderTunnel(t: ModelTunnel): CompiledUnit {
  rendered++;
  return {
    name: t.tunnel.name,
    fileName: unitFileName(t.tunnel),
    scope: t.tunnel.scope,
    text: renderUnit(buildUnit(t)),
    origin: { file: t.file, specName: t.specName, pointer: t.pointer },
  };
}

/** Every tunnel's unit; none when the model has errors. */
export function renderUnits(model: FleetModel): CompiledUnit[] {
  return model.ok ? model.tunnels.map(renderTunnel) : [];
}

export interface PipelineResult {
  ok: boolean;
  units: CompiledUnit[];
  diagnostics: Diagnostic[];
  /** Tunnel names per spec file, for reports. */
  specs: { file: string; tunnels: string[] }[];
  /** The model the units were rendered from, for callers that need the tunnels too. */
  model: FleetModel;
}

/** Spec texts → units: the front end and this back end, for compile, install and diff. */
export function compileSpecs(sources: SpecText[]): PipelineResult {
  const model = withoutWritten(buildModel(sources));
  const specs = model.specs.map((s) => ({
    file: s.file,
    tunnels: s.tunnels.map((t) => t.tunnel.name),
  }));
  return { ok: model.ok, units: renderUnits(model), diagnostics: model.diagnostics, specs, model };
}

/**
 * Units need only the tunnels: the specs as written are let go before rendering (about 1 MiB of
 * a 1,000-tunnel compile's peak memory).
 */
function withoutWritten(model: FleetModel): FleetModel {
  return { ...model, specs: model.specs.map((s) => ({ ...s, value: undefined })) };
}
