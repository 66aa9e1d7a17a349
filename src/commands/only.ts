// --only NAME: one device's tunnel out of a fleet spec. The whole spec is still checked (a
// device must not take another's relay port), then only that tunnel is written or installed.
import { UsageError } from "../errors.ts";
import type { CompiledUnit } from "../render/render-tunnel.ts";
import { text } from "./options.ts";

export function onlyUnits(units: CompiledUnit[], only: string | undefined): CompiledUnit[] {
  if (only === undefined) return units;
  const picked = units.filter((u) => u.name === only || u.fileName === only);
  if (picked.length === 0)
    throw new UsageError(
      `--only ${only}: no such tunnel in the specs (they have ${units.map((u) => u.name).join(", ") || "none"})`,
    );
  return picked;
}

export const onlyOption = text("only the tunnel with this name (a fleet's device)");
