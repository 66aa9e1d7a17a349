// npm run docs: regenerate docs/reference.md and man/tunnelc.1 (run npm run build first).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { reference } from "./reference.mjs";
import { manPage } from "./man.mjs";

const { version } = JSON.parse(readFileSync("package.json", "utf8"));
writeFileSync("docs/reference.md", reference());
mkdirSync("man", { recursive: true });
writeFileSync("man/tunnelc.1", manPage(version));
