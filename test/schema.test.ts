// The schema is the one source of truth: its documented defaults are the ones normalize uses,
// every field has a description for editor tooltips, and specs may name it in "$schema".
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULTS } from "../src/model/defaults.ts";
import { SCHEMA_DEFAULTS } from "../src/specfile/generated/schema-defaults.ts";
import { compileSpecs } from "../src/render/units.ts";
import { ROOT } from "./helpers/paths.ts";
import * as prettier from "prettier";
import { withSpecTables } from "../scripts/spec-table.mjs";

type Node = Record<string, unknown>;
const schema = JSON.parse(
  readFileSync(join(ROOT, "schemas", "tunnel.schema.json"), "utf8"),
) as Node;
const defs = schema.$defs as Record<string, Node>;
const props = (def: string) => defs[def]!.properties as Record<string, Node>;

test("the schema is JSON Schema 2020-12", () => {
  assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
});

// DEFAULTS takes the schema's own defaults (src/specfile/generated/schema-defaults.ts, made at
// build time), so they cannot differ: what is left to hold is that none is left unread.
test("every default the schema declares is one DEFAULTS takes", () => {
  const source = readFileSync(join(ROOT, "src", "model", "defaults.ts"), "utf8");
  const unread = Object.keys(SCHEMA_DEFAULTS).filter((k) => !source.includes(`S["${k}"]`));
  assert.deepEqual(unread, []);
  assert.equal(DEFAULTS.serverPort, (props("serverObject").port as Node).default);
});

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

/** docs/spec.md's field tables: the field cell's names, and the default cell. */
function docDefaults(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of readFileSync(join(ROOT, "docs", "spec.md"), "utf8").split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 4 || !cells[1]!.startsWith("`")) continue;
    const names = [...cells[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    // The seed table has its default last, the v1 table too.
    const parts = cells[cells.length - 2]!.replace(/\s*\(.*\)$/, "").split(/,\s*/);
    names.forEach((n, i) => rows.set(n, parts[names.length > 1 ? i : 0] ?? ""));
  }
  return rows;
}

/** The field's name in docs/spec.md for a schema default's path ("serverObject.port"). */
const DOC_NAME: Record<string, (rest: string) => string | undefined> = {
  tunnel: (rest) => rest,
  serverObject: (rest) => `server.${rest}`,
  seed: (rest) => rest,
  // Documented with server.jump, whose hops take the server's port default.
  jumpHost: () => undefined,
};

test("docs/spec.md's default column says each default the schema declares", () => {
  const docs = docDefaults();
  for (const [path, value] of Object.entries(SCHEMA_DEFAULTS)) {
    const [def, ...rest] = path.split(".");
    const name = DOC_NAME[def!]?.(rest.join("."));
    if (name === undefined) continue;
    const cell = docs.get(name);
    assert.ok(cell !== undefined, `docs/spec.md has no row for ${name}`);
    const shown = typeof value === "number" ? String(value) : `\`${String(value)}\``;
    assert.equal(cell, shown, `docs/spec.md, ${name}: default`);
  }
});

test("docs/spec.md's field tables are the schema's (npm run docs writes them)", async () => {
  const page = readFileSync(join(ROOT, "docs", "spec.md"), "utf8");
  const config = JSON.parse(readFileSync(join(ROOT, ".prettierrc.json"), "utf8")) as object;
  const expected = await prettier.format(withSpecTables(page, schema), {
    ...config,
    parser: "markdown",
  });
  assert.equal(page, expected);
});
