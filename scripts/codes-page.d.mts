// Types of scripts/codes-page.mjs, for test/codes.test.ts.
export function codesPage(
  codes: Readonly<Record<string, { readonly meaning: string; readonly fix: string }>>,
): string;
