// A fleet's several relays: each device becomes one tunnel per relay it is assigned, named
// DEVICE.RELAY (a relay's name has no "."), its server the relay's. The device keeps its key,
// its relay account and its place in the port hash on every relay (Tunnel.via). Pure.
import { closest } from "../specfile/suggest.ts";
import { expandServer } from "../specfile/server-forms.ts";
import { relaysOf } from "../specfile/merge-defaults.ts";
import { isObject } from "../specfile/json-object.ts";
import type { Problems } from "../specfile/problem.ts";
import type { RawTunnel } from "../specfile/raw.ts";
import { sha256Hex } from "../sha256.ts";
import type { Via } from "./tunnel.ts";

/** A tunnel of the spec after relays are expanded: a device's tunnel to one relay carries `via`. */
export type RelayedTunnel = RawTunnel & { via?: Via };

/** The schema's limit on a unit's base name (schemas/tunnel.schema.json unitName). */
const MAX_NAME = 200;

/**
 * What the schema cannot say about relays, on the spec as written: a tunnel (or the defaults)
 * with a server of its own beside the fleet's relays, or relays named where there are none.
 */
export function writtenRelayProblems(spec: unknown, out: Problems): void {
  if (!isObject(spec) || !Array.isArray(spec.tunnels)) {
    if (isObject(spec) && "relays" in spec)
      out.add(
        "error",
        "rule/relays",
        "/relays",
        'only a fleet ("tunnels") has relays: give this tunnel a "server"',
      );
    return;
  }
  const has = relaysOf(spec).length > 0;
  const places: [unknown, string][] = [
    [spec.defaults, "/defaults"],
    ...spec.tunnels.map((t, i): [unknown, string] => [t, `/tunnels/${i}`]),
  ];
  for (const [t, at] of places) {
    if (!isObject(t)) continue;
    if (has && "server" in t)
      out.add(
        "error",
        "rule/relays",
        `${at}/server`,
        'this fleet has "relays": its tunnels reach each relay as "relays" gives it, not a "server" of their own (drop it, or move it into "relays")',
      );
    if (!has && "relays" in t)
      out.add(
        "error",
        "rule/relays",
        `${at}/relays`,
        'names relays, but the spec has no "relays": { NAME: server, … } beside "tunnels"',
      );
  }
}

/**
 * The relays a device is assigned, in the order the laptop tries them: as listed (names the fleet
 * has); all, in the fleet's order; or N of them by rendezvous hashing (the N with the highest
 * hash of device and relay name), so adding or removing a relay moves only the devices that gain
 * or lose it, and the devices' first choices spread over the relays.
 */
export function assignedRelays(
  device: string,
  wanted: readonly string[] | number | undefined,
  names: readonly string[],
): string[] {
  if (wanted === undefined) return [...names];
  if (typeof wanted === "number") {
    // Each relay's hash once: the sort compares each several times, for every device.
    const score = new Map(names.map((r) => [r, sha256Hex(`${r}\n${device}`)]));
    return [...names]
      .sort((a, b) => (score.get(a)! > score.get(b)! ? -1 : score.get(a)! < score.get(b)! ? 1 : 0))
      .slice(0, wanted);
  }
  return wanted.filter((r) => names.includes(r));
}

/** assignedRelays, with what cannot be assigned reported where it is written. */
function assigned(
  device: string,
  wanted: string[] | number | undefined,
  names: string[],
  at: string,
  out: Problems,
): string[] {
  if (typeof wanted === "number" && wanted > names.length) {
    out.add(
      "error",
      "rule/relays",
      `${at}/relays`,
      `asks for ${wanted} relays; the fleet has ${names.length} (${names.join(", ")})`,
    );
    return [];
  }
  if (Array.isArray(wanted))
    wanted.forEach((r, i) => {
      if (names.includes(r)) return;
      const hint = closest(r, names);
      out.add(
        "error",
        "rule/relays",
        `${at}/relays/${i}`,
        `no relay ${JSON.stringify(r)} in the fleet's "relays" (${names.join(", ")})${hint ? `; did you mean "${hint}"?` : ""}`,
      );
    });
  return assignedRelays(device, wanted, names);
}

/** Each device once per relay it is assigned; a spec without relays as it is. */
export function expandRelays(
  spec: unknown,
  entries: [RawTunnel, string][],
  out: Problems,
): [RelayedTunnel, string][] {
  const relays = relaysOf(spec);
  if (relays.length === 0) return entries;
  const names = relays.map(([name]) => name);
  const servers = new Map(
    relays.map(([name, server]) => [name, expandServer(server) as RawTunnel["server"]]),
  );
  return entries.flatMap(([t, at]): [RelayedTunnel, string][] => {
    const mine = assigned(t.name, t.relays, names, at, out);
    return mine.flatMap((relay): [RelayedTunnel, string][] => {
      const name = `${t.name}.${relay}`;
      if (name.length > MAX_NAME) {
        out.add(
          "error",
          "rule/relays",
          `${at}/name`,
          `with relay ${relay} its unit would be ${name}.service: a name is at most ${MAX_NAME} characters; shorten the device's name or the relay's`,
        );
        return [];
      }
      return [[{ ...t, name, server: servers.get(relay)!, via: { device: t.name, relay } }, at]];
    });
  });
}
