// --only NAME: one device's tunnel out of a fleet spec. The whole spec is still checked (a
// device must not take another's relay port), then only that tunnel is written or installed.
import { UsageError } from "../errors.ts";
import { namedBy, unitFileName, type ModelTunnel, type Tunnel } from "../model/tunnel.ts";
import { text } from "./options.ts";

type Named = Pick<Tunnel, "name" | "via">;

/**
 * Whether --only names this tunnel: by its name, its unit's file name, or its device's name (a
 * device of several relays: all its tunnels).
 */
export const onlyPick =
  (only: string | undefined) =>
  (t: Named): boolean =>
    only === undefined || namedBy(t, only) || unitFileName(t) === only;

/** Up to 20 names, then how many more: a fleet of 10,000 is not one line of 10,000 names. */
function namesList(all: readonly string[]): string {
  if (all.length === 0) return "none";
  const shown = all.slice(0, 20).join(", ");
  return all.length > 20 ? `${shown} and ${all.length - 20} more` : shown;
}

/** None picked is a usage error that lists `all` the specs' tunnel names. */
function nonePicked(only: string, all: readonly string[]): UsageError {
  return new UsageError(
    `--only ${only}: no such tunnel in the specs (they have ${namesList(all)})`,
  );
}

/** Units rendered with onlyPick (compileSpecs): none is refused, naming every tunnel of the specs. */
export function onlyUnits<T>(
  units: T[],
  name: string | undefined,
  specs: readonly { tunnels: readonly string[] }[],
): T[] {
  if (name !== undefined && units.length === 0)
    throw nonePicked(
      name,
      specs.flatMap((s) => s.tunnels),
    );
  return units;
}

export function onlyTunnels(tunnels: ModelTunnel[], name: string | undefined): ModelTunnel[] {
  if (name === undefined) return tunnels;
  const picked = tunnels.filter((t) => onlyPick(name)(t.tunnel));
  if (picked.length === 0)
    throw nonePicked(
      name,
      tunnels.map((t) => t.tunnel.name),
    );
  return picked;
}

export const onlyOption = text("only the tunnel with this name (a fleet's device)");
