// The styles a report is printed in (src/report.ts): plain, or the colours of a terminal at
// chalk's level 1 (the 16 basic ANSI colours), written as chalk 5 writes them, byte for byte
// (test/style.test.ts holds them to chalk): the CLI printed through chalk until chalk's colour
// detection, which loads node:tty and node:net at every start, was the largest cost left of
// `compile` (docs/performance.md). Pure: the entry decides whether there is colour.

export interface Style {
  bold(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  green(s: string): string;
}

export const PLAIN: Style = { bold: id, red: id, yellow: id, dim: id, green: id };

function id(s: string): string {
  return s;
}

/** SGR codes (ECMA-48 8.3.117): each style's on and its own off, as ansi-styles has them. */
const SGR: Readonly<Record<keyof Style, readonly [number, number]>> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
};

/**
 * chalk's applyStyle for one style: nothing for an empty string; the style turned on again after
 * each of its own offs inside the text (a nested style would otherwise end it early); and off
 * before each line break and on after it, so a terminal never carries it into the next line.
 */
function styled(on: number, off: number): (s: string) => string {
  const open = `\u001b[${on}m`;
  const close = `\u001b[${off}m`;
  return (s) => {
    if (s === "") return "";
    const reopened = s.includes("\u001b") ? s.split(close).join(close + open) : s;
    return open + reopened.replace(/\r?\n/g, (br) => close + br + open) + close;
  };
}

/** Colour only on a terminal, and never when NO_COLOR is set to anything (no-color.org). */
export function styleFor(terminal: boolean, noColor: string | undefined): Style {
  return terminal && (noColor ?? "") === "" ? COLOUR : PLAIN;
}

export const COLOUR: Style = {
  bold: styled(...SGR.bold),
  red: styled(...SGR.red),
  yellow: styled(...SGR.yellow),
  dim: styled(...SGR.dim),
  green: styled(...SGR.green),
};
