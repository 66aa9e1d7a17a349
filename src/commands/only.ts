// --only NAME: one device's tunnel out of a fleet spec. The whole spec is still checked (a
// device must not take another's relay port), then only that tunnel is written or installed.
import { UsageError } from "../errors.ts";
import { unitFileName, type ModelTunnel } from "../model/tunnel.ts";
import { text } from "./options.ts";

/** By the tunnel's name or its unit's file name. */
function only<T>(items: T[], only: string | undefined, nameOf: (item: T) => string): T[] {
  if (only === undefined) return items;
  const picked = items.filter(
    (x) => nameOf(x) === only || unitFileName({ name: nameOf(x) }) === only,
  );
  if (picked.length === 0)
    throw new UsageError(
      `--only ${only}: no such tunnel in the specs (they have ${items.map(nameOf).join(", ") || "none"})`,
    );
  return picked;
}

export const onlyUnits = <T extends { name: string }>(units: T[], name: string | undefined): T[] =>
  only(units, name, (u) => u.name);

export const onlyTunnels = (tunnels: ModelTunnel[], name: string | undefined): ModelTunnel[] =>
  only(tunnels, name, (t) => t.tunnel.name);

export const onlyOption = text("only the tunnel with this name (a fleet's device)");
