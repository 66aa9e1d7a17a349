// --only NAME: one device's tunnel out of a fleet spec. The whole spec is still checked (a
// device must not take another's relay port), then only that tunnel is written or installed.
import { UsageError } from "../errors.ts";
import { unitFileName, type ModelTunnel } from "../model/tunnel.ts";
import { text } from "./options.ts";

/** Whether a tunnel of this name is the one --only names (by its name or its unit's file name). */
export const onlyPick =
  (only: string | undefined) =>
  (name: string): boolean =>
    only === undefined || name === only || unitFileName({ name }) === only;

/** Up to 20 names, then how many more: a fleet of 10,000 is not one line of 10,000 names. */
function namesList(all: readonly string[]): string {
  if (all.length === 0) return "none";
  const shown = all.slice(0, 20).join(", ");
  return all.length > 20 ? `${shown} and ${all.length - 20} more` : shown;
}

/** The items --only picks; none is a usage error that lists `all` the specs' tunnel names. */
function only<T>(
  items: T[],
  only: string | undefined,
  nameOf: (item: T) => string,
  all: readonly string[] = items.map(nameOf),
): T[] {
  if (only === undefined) return items;
  const pick = onlyPick(only);
  const picked = items.filter((x) => pick(nameOf(x)));
  if (picked.length === 0)
    throw new UsageError(
      `--only ${only}: no such tunnel in the specs (they have ${namesList(all)})`,
    );
  return picked;
}

/** Units rendered with onlyPick (compileSpecs), checked against every tunnel name of the specs. */
export const onlyUnits = <T extends { name: string }>(
  units: T[],
  name: string | undefined,
  specs: readonly { tunnels: readonly string[] }[],
): T[] =>
  only(
    units,
    name,
    (u) => u.name,
    specs.flatMap((s) => s.tunnels),
  );

export const onlyTunnels = (tunnels: ModelTunnel[], name: string | undefined): ModelTunnel[] =>
  only(tunnels, name, (t) => t.tunnel.name);

export const onlyOption = text("only the tunnel with this name (a fleet's device)");
