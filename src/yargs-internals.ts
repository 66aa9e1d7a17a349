// The two things tunnelc reads or changes inside yargs that its public API and types do not
// offer, in one place. test/yargs-internals.test.ts fails when an upgrade of yargs changes either
// shape, so the break shows up in CI, never as a silent misbehaviour of the CLI.
import type { Argv } from "yargs";
import type { OptionTable } from "./cli-args.ts";

interface Internals {
  getOptions(): Omit<OptionTable, "positionals">;
  getInternalMethods(): { getUsageInstance(): { cacheHelpMessage(): void } };
}

/**
 * The options yargs holds for the command being parsed, as the command declared them: cli-args.ts
 * checks the command line against them before any handler runs.
 */
export function optionTableOf(y: Argv, positionals: string[]): OptionTable {
  const o = (y as unknown as Internals).getOptions();
  return { string: o.string, boolean: o.boolean, array: o.array, alias: o.alias, positionals };
}

/**
 * yargs renders the command's whole help (cliui, wrap-ansi, string-width) after starting its
 * handler, to keep for a later showHelp(): about 2 ms of every command, for a text tunnelc never
 * shows from a handler (--help and usage errors render their own, before any handler). Where
 * the method is not there, nothing is changed: the help is only rendered once more.
 */
export function skipHelpCache(y: Argv): void {
  const usage = (y as unknown as Partial<Internals>).getInternalMethods?.().getUsageInstance();
  if (usage && typeof usage.cacheHelpMessage === "function") usage.cacheHelpMessage = () => {};
}
