// Types of scripts/import-tables.mjs, for test/docs.test.ts.
export function importTables(): { ssh: string; unit: string };
export function withImportTables(page: string): string;
