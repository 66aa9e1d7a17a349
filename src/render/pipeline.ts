// Spec texts → checked tunnels → units. Pure: the commands do the reading and writing.
import { checkSpecs } from "../specfile/check.ts";
import { compileTunnel, type CompiledUnit } from "./render-tunnel.ts";
import type { SpecText } from "../specfile/source.ts";
import { hasErrors, type Diagnostic } from "../errors.ts";

export interface PipelineResult {
  ok: boolean;
  units: CompiledUnit[];
  diagnostics: Diagnostic[];
  /** Tunnel names per spec file, for reports. */
  specs: { file: string; tunnels: string[] }[];
}

export function compileSpecs(sources: SpecText[]): PipelineResult {
  const checked = checkSpecs(sources);
  const diagnostics = checked.flatMap((c) => c.diagnostics);
  const ok = !hasErrors(diagnostics);
  const specs = checked.map((c) => ({
    file: c.file,
    tunnels: c.tunnels.map((t) => t.tunnel.name),
  }));
  const units = ok ? checked.flatMap((c) => c.tunnels.map(compileTunnel)) : [];
  return { ok, units, diagnostics, specs };
}
