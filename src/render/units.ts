// The back end that writes units: the fleet model → one rendered .service file per tunnel. Pure.
import { buildUnit } from "./build-unit.ts";
import { renderUnit } from "../unit/render.ts";
import { buildModel, type FleetModel } from "../model/build-model.ts";
import { unitFileName, type ModelTunnel, type Tunnel } from "../model/tunnel.ts";
import type { SpecText } from "../specfile/source.ts";
import type { Diagnostic } from "../errors.ts";
import type { Problem } from "../specfile/problem.ts";
import { locate } from "../specfile/locate.ts";
import { renderedOrProblem } from "./unwritable.ts";

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

/** The tunnel's unit, or the located reason it cannot be written (unwritable.ts). */
function renderTunnel(t: ModelTunnel): CompiledUnit | Problem {
  rendered++;
  const r = renderedOrProblem(t, () => renderUnit(buildUnit(t)));
  if (r.problem !== undefined) return r.problem;
  return {
    name: t.tunnel.name,
    fileName: unitFileName(t.tunnel),
    scope: t.tunnel.scope,
    text: r.text,
    origin: { file: t.file, specName: t.specName, pointer: t.pointer },
  };
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

/**
 * Every tunnel's unit, none when the model has errors; a tunnel that cannot be written as systemd
 * would load it (unwritable.ts) is a located problem, and then no unit is given at all.
 */
export function renderUnits(
  model: FleetModel,
  sources: SpecText[],
  picked: (t: Tunnel) => boolean = () => true,
): { units: CompiledUnit[]; diagnostics: Diagnostic[] } {
  const units: CompiledUnit[] = [];
  const unwritable: Problem[] = [];
  if (model.ok)
    for (const t of model.tunnels) {
      if (!picked(t.tunnel)) continue;
      const u = renderTunnel(t);
      if ("text" in u) units.push(u);
      else unwritable.push(u);
    }
  if (unwritable.length === 0) return { units, diagnostics: [] };
  return { units: [], diagnostics: locate(unwritable, sources) };
}

/**
 * Spec texts → units: the front end and this back end, for compile, install and diff. The whole
 * model is always built and checked (names, ports across the fleet); only the `picked` tunnels
 * are rendered (--only: one device out of 10,000 renders one unit).
 */
export function compileSpecs(
  sources: SpecText[],
  picked: (t: Tunnel) => boolean = () => true,
): PipelineResult {
  const model = withoutWritten(buildModel(sources));
  const specs = model.specs.map((s) => ({
    file: s.file,
    tunnels: s.tunnels.map((t) => t.tunnel.name),
  }));
  const { units, diagnostics } = renderUnits(model, sources, picked);
  return {
    ok: model.ok && diagnostics.length === 0,
    units,
    diagnostics: [...model.diagnostics, ...diagnostics],
    specs,
    model,
  };
}

/**
 * Units need only the tunnels: the specs as written are let go before rendering (about 1 MiB of
 * a 1,000-tunnel compile's peak memory).
 */
function withoutWritten(model: FleetModel): FleetModel {
  return { ...model, specs: model.specs.map((s) => ({ ...s, value: undefined })) };
}
