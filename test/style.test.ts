// The report's colours (src/style.ts) are chalk's at level 1, byte for byte: the CLI printed
// through chalk before, and a terminal's user sees the same bytes now (chalk is kept as a
// development dependency for this test only).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Chalk } from "chalk";
import { COLOUR, PLAIN, type Style } from "../src/style.ts";

const chalk = new Chalk({ level: 1 });
const NAMES: (keyof Style)[] = ["bold", "red", "yellow", "dim", "green"];
const TEXTS = [
  "",
  "x",
  "bad.json:4:36:",
  "  4 |   x\n    |   ^",
  "one\r\ntwo\nthree\n",
  "\n",
  "a \u001b[22m b \u001b[39m c",
  `${chalk.red("inner")} outer ${chalk.bold("b")}`,
  "ünïcödé ✓",
];

test("each style writes what chalk writes at level 1, for every kind of text", () => {
  for (const name of NAMES)
    for (const text of TEXTS)
      assert.equal(COLOUR[name](text), chalk[name](text), `${name} ${JSON.stringify(text)}`);
});

test("plain is the text as it is", () => {
  for (const name of NAMES) for (const text of TEXTS) assert.equal(PLAIN[name](text), text);
});
