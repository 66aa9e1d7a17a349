// The yargs internals src/yargs-internals.ts relies on: this breaks on an upgrade that changes them.
import { test } from "node:test";
import assert from "node:assert/strict";
import yargs, { type Argv } from "yargs";
import { optionTableOf, skipHelpCache } from "../src/yargs-internals.ts";

test("getOptions() holds a command's declared options by type and alias", () => {
  let table: ReturnType<typeof optionTableOf> | undefined;
  yargs(["c", "--out", "x"])
    .command(
      "c",
      "",
      (y: Argv) =>
        y
          .option("out", { type: "string", alias: "o" })
          .option("dry", { type: "boolean" })
          .option("many", { type: "string", array: true }),
      () => {},
    )
    // yargs hands middleware the instance parsing the command too (undeclared in its types).
    .middleware(
      ((_argv: unknown, y: Argv) => {
        table = optionTableOf(y, []);
      }) as unknown as () => void,
      true,
    )
    .parseSync();
  assert.ok(table, "the middleware ran");
  assert.ok(table.string.includes("out") && table.string.includes("many"));
  assert.ok(table.boolean.includes("dry"));
  assert.ok(table.array.includes("many"));
  assert.deepEqual(table.alias.out, ["o"]);
});

test("getInternalMethods().getUsageInstance().cacheHelpMessage exists and is replaced", () => {
  const y = yargs([]);
  const usage = (
    y as unknown as {
      getInternalMethods(): { getUsageInstance(): { cacheHelpMessage: () => void } };
    }
  )
    .getInternalMethods()
    .getUsageInstance();
  const before = usage.cacheHelpMessage;
  assert.equal(typeof before, "function");
  skipHelpCache(y);
  assert.notEqual(usage.cacheHelpMessage, before);
});
