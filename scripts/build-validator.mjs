// Compiles schemas/tunnel.schema.json into a standalone validator module at build time, so the
// CLI never compiles the schema at run time (ajv's compile step costs far more than validation).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";
import { schemaDefaults, schemaTypes } from "./schema-types.mjs";

const schema = JSON.parse(readFileSync("schemas/tunnel.schema.json", "utf8"));
const ajv = new Ajv2020({
  allErrors: true,
  strict: true,
  strictRequired: false,
  strictTypes: false,
  allowUnionTypes: true,
  useDefaults: false,
  // parentSchema on each error: the standalone code has no schema paths we could look up.
  verbose: true,
  code: { source: true, esm: false, lines: false },
});
const validate = ajv.compile(schema);
const code = standaloneCode(ajv, validate);
mkdirSync("src/specfile/generated", { recursive: true });
writeFileSync("src/specfile/generated/validate.cjs", code);
writeFileSync(
  "src/specfile/generated/validate.d.cts",
  [
    'import type { ErrorObject } from "ajv";',
    "declare const validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };",
    "export = validate;",
    "",
  ].join("\n"),
);

// Where each field of a tunnel's nested objects lives ("jump" → "/server/jump", "to" →
// "/forwards/N/to"), for the message about such a field given one level too high
// (src/specfile/validate.ts): a small table, so the bundles need not carry the schema itself.
const defOf = (ref) => (ref.startsWith("#/$defs/") ? schema.$defs[ref.slice(8)] : undefined);
function fieldsOf(node) {
  const names = new Set();
  let array = false;
  const walk = (n, d) => {
    if (d > 6 || n === null || typeof n !== "object") return;
    if (typeof n.$ref === "string") walk(defOf(n.$ref), d + 1);
    for (const k of Object.keys(n.properties ?? {})) names.add(k);
    if (n.items !== undefined) {
      array = true;
      walk(n.items, d + 1);
    }
    for (const k of ["then", "else"]) walk(n[k], d + 1);
    for (const k of ["anyOf", "oneOf", "allOf"]) for (const x of n[k] ?? []) walk(x, d + 1);
  };
  walk(node, 0);
  return { names: [...names].sort(), array };
}
const tunnelFields = schema.$defs.tunnel.properties;
const nested = {};
for (const [name, node] of Object.entries(tunnelFields)) {
  const { names, array } = fieldsOf(node);
  for (const key of names)
    if (!(key in tunnelFields) && nested[key] === undefined)
      nested[key] = `/${name}${array ? "/N" : ""}/${key}`;
}
writeFileSync("src/specfile/generated/nested-fields.json", JSON.stringify(nested, null, 2) + "\n");

// The spec's types and defaults, from the schema (src/specfile/raw.ts, src/model/defaults.ts).
writeFileSync("src/specfile/generated/schema-types.ts", schemaTypes(schema));
writeFileSync(
  "src/specfile/generated/schema-defaults.ts",
  [
    "// Generated from schemas/tunnel.schema.json by scripts/schema-types.mjs (npm run build).",
    `export const SCHEMA_DEFAULTS = ${JSON.stringify(schemaDefaults(schema), null, 2)} as const;`,
    "",
  ].join("\n"),
);
