// tunnelc schema: print the JSON Schema specs are checked against (for editors and "$schema").
import { defineCommand } from "./options.ts";
import schema from "../../schemas/tunnel.schema.json" with { type: "json" };
import { json, outcome, type Outcome } from "./outcome.ts";

export function runSchema(): Outcome {
  return outcome({ stdout: json(schema) });
}

export const schemaCommand = defineCommand({
  command: "schema",
  describe: "Print the JSON Schema of tunnel specs",
  examples: [["$0 schema > tunnel.schema.json", "save it for your editor"]],
  run: runSchema,
});
