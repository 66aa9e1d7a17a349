// The schema is the one source of truth: its documented defaults are the ones normalize uses,
// every field has a description for editor tooltips, and specs may name it in "$schema".
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULTS } from "../src/model/defaults.ts";
import { compileSpecs } from "../src/render/pipeline.ts";
import { ROOT } from "./helpers/paths.ts";

type Node = Record<string, unknown>;
const schema = JSON.parse(
  readFileSync(join(ROOT, "schemas", "tunnel.schema.json"), "utf8"),
) as Node;
const defs = schema.$defs as Record<string, Node>;
const props = (def: string) => defs[def]!.properties as Record<string, Node>;

test("the schema is JSON Schema 2020-12", () => {
  assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
});

const DEFAULT_TABLE: [string, unknown, unknown][] = [
  ["server.port", (props("serverObject").port as Node).default, DEFAULTS.serverPort],
  [
    "keepAlive.interval",
    ((props("tunnel").keepAlive!.properties as Record<string, Node>).interval as Node).default,
    DEFAULTS.keepAliveInterval,
  ],
  [
    "keepAlive.countMax",
    ((props("tunnel").keepAlive!.properties as Record<string, Node>).countMax as Node).default,
    DEFAULTS.keepAliveCountMax,
  ],
  ["compression", props("tunnel").compression!.default, DEFAULTS.compression],
  [
    "restart.policy",
    ((props("tunnel").restart!.properties as Record<string, Node>).policy as Node).default,
    DEFAULTS.restartPolicy,
  ],
  [
    "restart.delaySec",
    ((props("tunnel").restart!.properties as Record<string, Node>).delaySec as Node).default,
    DEFAULTS.restartDelaySec,
  ],
  ["startTimeoutSec", props("tunnel").startTimeoutSec!.default, DEFAULTS.startTimeoutSec],
  ["hardening", props("tunnel").hardening!.default, DEFAULTS.hardening],
  ["scope", props("tunnel").scope!.default, DEFAULTS.scope],
  [
    "ssh.path",
    ((props("tunnel").ssh!.properties as Record<string, Node>).path as Node).default,
    DEFAULTS.sshPath,
  ],
  ["seed remotePort", props("seed").remotePort!.default, DEFAULTS.seedRemotePort],
  ["seed bindPort", props("seed").bindPort!.default, DEFAULTS.seedBindPort],
];
for (const [field, documented, used] of DEFAULT_TABLE) {
  test(`default of ${field} in the schema is the one normalize uses`, () =>
    assert.equal(documented, used));
}

test("every property of every definition has a description", () => {
  const missing: string[] = [];
  for (const [name, def] of Object.entries(defs)) {
    if (typeof def.description !== "string") missing.push(name);
    for (const [p, node] of Object.entries(
      (def.properties as Record<string, Node> | undefined) ?? {},
    )) {
      if (
        typeof node.description !== "string" &&
        !(
          typeof node.$ref === "string" &&
          typeof defs[(node.$ref as string).split("/").pop()!]?.description === "string"
        )
      ) {
        missing.push(`${name}.${p}`);
      }
    }
  }
  assert.deepEqual(missing, []);
});

test('a spec may carry "$schema" in every form', () => {
  for (const spec of [
    { $schema: "x", localUser: "u", remoteHostname: "h", remoteUser: "u" },
    { $schema: "x", name: "a", server: { host: "h" }, user: "u", forwards: [{ dynamic: 1080 }] },
    {
      $schema: "x",
      tunnels: [{ name: "a", server: { host: "h" }, user: "u", forwards: [{ dynamic: 1080 }] }],
    },
  ]) {
    assert.equal(
      compileSpecs([{ file: "s.json", text: JSON.stringify(spec) }]).ok,
      true,
      JSON.stringify(spec),
    );
  }
});
