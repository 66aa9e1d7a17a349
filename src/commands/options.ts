// Options every reporting command shares, declared once.

/** --json: one envelope on stdout, success or failure (docs/cli.md "JSON"). */
export const jsonOption = {
  type: "boolean",
  default: false,
  describe: "print a JSON report on stdout",
} as const;
