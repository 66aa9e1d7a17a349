// The spec as the schema accepts it. Only read after validation has passed.

import { isObject } from "./json-object.ts";
import type {
  SchemaBind,
  SchemaDynamicForward,
  SchemaJumpHost,
  SchemaLocalForward,
  SchemaPort,
  SchemaRemoteForward,
  SchemaSeed,
  SchemaServerObject,
  SchemaTunnel,
  SchemaTunnelList,
} from "./generated/schema-types.ts";

// The types are the schema's own (generated from it at build time: scripts/schema-types.mjs);
// here only what the front end changes before the model reads them.

export type RawBind = SchemaBind;

/** A port: a number, or digits in a string (the schema checked the range). */
export type RawPort = SchemaPort;

/**
 * A hop as expandServer (src/specfile/server-forms.ts) leaves it: the string forms
 * ("[user@]host[:port]") turned into objects, ports into numbers.
 */
export type RawHop = Omit<SchemaServerObject, "port" | "hostKeys" | "jump"> & { port?: number };

/** A forward with each form's fields optional: which one it is, the field present says. */
export type RawForward = Partial<SchemaRemoteForward & SchemaLocalForward & SchemaDynamicForward>;

/** A tunnel after expandServer: the server, and each of its jump hosts, in object form. */
export type RawTunnel = Omit<SchemaTunnel, "server" | "forwards"> & {
  server: RawHop & {
    hostKeys?: SchemaServerObject["hostKeys"];
    jump?: (Omit<SchemaJumpHost, "port"> & { port?: number })[];
  };
  forwards: RawForward[];
};

export type RawSeed = SchemaSeed;

/** A fleet after its defaults are merged into each tunnel (merge-defaults.ts). */
export type RawTunnelList = Omit<SchemaTunnelList, "tunnels" | "defaults"> & {
  tunnels: RawTunnel[];
};

export type RawSpec = RawSeed | RawTunnel | RawTunnelList;

/** seed: the NixOS module's options; tunnel: one v1 tunnel; fleet: "tunnels" (with "defaults"). */
export type SpecForm = "seed" | "tunnel" | "fleet";

/** The one place a spec's form is decided. */
export function formOf(v: unknown): SpecForm {
  // What is not an object is no form; the schema reports it.
  if (!isObject(v)) return "tunnel";
  if ("tunnels" in v) return "fleet";
  const seed =
    !("name" in v) &&
    ("remoteHostname" in v ||
      "localUser" in v ||
      "bindPort" in v ||
      "enable" in v ||
      "remoteUser" in v ||
      "remotePort" in v);
  return seed ? "seed" : "tunnel";
}
