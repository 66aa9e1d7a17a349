// Compiles schemas/tunnel.schema.json into a standalone validator module at build time, so the
// CLI never compiles the schema at run time (ajv's compile step costs far more than validation).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";

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
