// npm run docs: regenerate docs/reference.md, docs/codes.md and man/tunnelc.1 (run npm run
// build first; run with tsx, as it reads src/codes.ts).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { reference } from "./reference.mjs";
import { manPage } from "./man.mjs";
import { withSpecTables } from "./spec-table.mjs";
import { codesPage } from "./codes-page.mjs";
import { withImportTables } from "./import-tables.mjs";
import { CODES } from "../src/codes.ts";

const { version } = JSON.parse(readFileSync("package.json", "utf8"));
writeFileSync("docs/reference.md", reference());
mkdirSync("man", { recursive: true });
writeFileSync("man/tunnelc.1", manPage(version));
const schema = JSON.parse(readFileSync("schemas/tunnel.schema.json", "utf8"));
writeFileSync("docs/spec.md", withSpecTables(readFileSync("docs/spec.md", "utf8"), schema));
writeFileSync("docs/codes.md", codesPage(CODES));
writeFileSync("docs/import.md", withImportTables(readFileSync("docs/import.md", "utf8")));
