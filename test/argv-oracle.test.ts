// Property: any argv we render into ExecStart= is read back by systemd itself into the same
// argv. The oracle is systemd's own parser (`systemd --test`, unprivileged; docs/testing.md).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { renderUnit } from "../src/unit/render.ts";
import { entry, section } from "../src/unit/model.ts";
import type { CommandLine } from "../src/unit/command-line.ts";
import { needs } from "./helpers/prereq.ts";
import { dumpCommandLines, hasSystemdTest, withUnitDir } from "./helpers/systemd.ts";

const ALPHABET = [..."abcXYZ019 -_=:/.,@+~#*?[]{}()<>|&!^`'\"\\%$;", "é", "ß", "✓", "\u00a0"];
const char = fc.constantFrom(...ALPHABET);
const word = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: char, maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "",
      ";",
      "\\;",
      "$$",
      "%%",
      "%d",
      "${HOME}",
      "$HOME",
      "'",
      '"',
      "\\",
    ),
  },
);
// systemd refuses quotes and backslashes in the executable itself (escape.ts says why).
const exeChar = fc.constantFrom(...ALPHABET.filter((c) => !"\"'\\".includes(c)));
const executable = fc
  .string({ unit: exeChar, minLength: 1, maxLength: 10 })
  .filter((s) => !s.endsWith("/"))
  .map((s) => `/${s}`);
const argv = fc
  .tuple(executable, fc.array(word, { maxLength: 12, size: "max" }))
  .map(([exe, rest]) => [exe, ...rest]);

function unitFor(args: string[], breakEvery: number): string {
  const line: CommandLine = {
    words: args.map((a) => [a]),
    breaks: args.map((_, i) => i).filter((i) => i > 0 && i % breakEvery === 0),
  };
  return renderUnit({ header: [], sections: [section("Service", [entry("ExecStart", line)])] });
}

test("systemd reads every rendered argv back unchanged", (t) => {
  if (!needs(t, "systemd --test and setpriv", hasSystemdTest())) return;
  let checked = 0;
  fc.assert(
    fc.property(
      fc.array(argv, { minLength: 20, maxLength: 60, size: "max" }),
      fc.integer({ min: 1, max: 4 }),
      (batch, breakEvery) => {
        const files = Object.fromEntries(
          batch.map((a, i) => [`o${i}.service`, unitFor(a, breakEvery)]),
        );
        const parsed = withUnitDir(files, (dir) => dumpCommandLines(dir, Object.keys(files)));
        batch.forEach((a, i) => {
          assert.deepEqual(
            parsed.get(`o${i}.service`),
            [a],
            `unit o${i}:\n${files[`o${i}.service`]}`,
          );
        });
        checked += batch.length;
      },
    ),
    { numRuns: 25, seed: process.env.FC_SEED ? Number(process.env.FC_SEED) : 20261123 },
  );
  t.diagnostic(`${checked} argv vectors read back by systemd`);
});
