// Types of scripts/spec-table.mjs, for test/schema.test.ts.
export function specTables(schema: unknown): { seed: string; v1: string };
export function withSpecTables(page: string, schema: unknown): string;
