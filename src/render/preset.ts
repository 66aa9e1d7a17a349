// compile --preset: a systemd.preset(5) file that enables the compiled tunnels, so
// `systemctl preset-all` (an image build, first boot, or an RPM's %systemd_post, which runs
// `systemctl preset`) enables them without a separate `systemctl enable`.
import type { CompiledUnit } from "./units.ts";

/**
 * systemd.preset(5): only files named *.preset in the preset directories are read. A name such
 * as 80-tunnelc.preset orders it among the distribution's own files (the first match wins, and
 * files are read in lexicographic order of their names).
 */
export function presetNameProblem(path: string): string | undefined {
  const base = path.split("/").pop() ?? "";
  if (!base.endsWith(".preset") || base === ".preset")
    return `--preset ${path}: systemd reads only files named *.preset (systemd.preset(5)), e.g. 80-tunnelc.preset`;
  return undefined;
}

/** A preset file serves one manager: system units in system-preset/, user units in user-preset/. */
export function presetScopeProblem(units: readonly CompiledUnit[]): string | undefined {
  const scopes = [...new Set(units.map((u) => u.scope))].sort();
  if (scopes.length <= 1) return undefined;
  return `--preset: the tunnels mix ${scopes.join(" and ")} units; a preset file serves one manager (system-preset/ or user-preset/): compile them separately with --only`;
}

/** One `enable NAME.service` line per unit, sorted, so the file is the same on every run. */
export function renderPreset(units: readonly CompiledUnit[]): string {
  const lines = units.map((u) => `enable ${u.fileName}`).sort();
  return `# Written by tunnelc compile --preset: enable these tunnels (systemd.preset(5)).\n${lines.join("\n")}\n`;
}
