// What a failed run says on stderr, for both entries that print (src/cli.ts and the generator's
// src/generator-main.ts): one wording, one exit code per error. Pure: the caller writes it.
import { ExitCode, SystemError, TunnelcError, UsageError, type ExitCodeValue } from "./errors.ts";

export interface ErrorText {
  text: string;
  exitCode: ExitCodeValue;
}

/**
 * A typed error as `tunnelc: message` and its detail (a command's output, where to read help);
 * anything else is a bug: said so, with the stack only when TUNNELC_DEBUG asks (`debug`).
 */
export function errorText(e: unknown, red: (s: string) => string, debug: boolean): ErrorText {
  if (e instanceof TunnelcError) {
    const detail =
      e instanceof SystemError && e.detail
        ? `\n${e.detail}`
        : e instanceof UsageError && e.hint
          ? `\n${e.hint}`
          : "";
    return { text: `${red("tunnelc:")} ${e.message}${detail}\n`, exitCode: e.exitCode };
  }
  const err = e as Error;
  const stack = debug ? `${err?.stack ?? ""}\n` : "";
  return {
    text: `${red("tunnelc: internal error:")} ${err?.message ?? String(e)}\nPlease report this with the spec that caused it.\n${stack}`,
    exitCode: ExitCode.system,
  };
}
