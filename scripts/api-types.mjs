// The API's two faces and its types, beside its CommonJS bundle (docs/api.md "How it is built"):
//
// - dist/api.mjs: `import` of the package re-exports the CommonJS bundle's exports, so the API
//   has one implementation (and one copy of its state) however it is loaded. Its export list is
//   read from the built bundle itself, so it cannot miss a function.
// - dist/api.d.mts and dist/api.d.cts: one declaration file, written twice because TypeScript
//   (moduleResolution node16/nodenext/bundler) reads a .d.mts as an ES module and a .d.cts as
//   CommonJS, as node loads api.mjs and api.cjs. tsc emits the declarations of src/api.ts; its
//   only import is the code registry's type (src/codes.ts), which is inlined, so the file stands
//   alone: no internal module's types ship, and none can be missing.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const require = createRequire(import.meta.url);

/** The committed declarations the build ships (`node scripts/api-types.mjs` rewrites them). */
export const API_TYPES = "types/api.d.ts";

/** Replaces the pattern `from` (one line) in `text`, found exactly once, or fails the build (tsc's output changed shape). */
function once(text, from, to, what) {
  const n = (text.match(new RegExp(from, "gm")) ?? []).length;
  if (n !== 1) throw new Error(`api-types: ${what}: expected once in tsc's output, found ${n}`);
  return text.replace(new RegExp(from, "m"), to);
}

/**
 * src/api.ts's declarations with src/codes.ts's `Code` inlined: one self-contained file. tsc
 * checks the whole program src/api.ts reaches (about 7 s): it runs beside the rest of the build.
 */
export async function apiDeclarations() {
  const out = mkdtempSync(join(tmpdir(), "tunnelc-dts-"));
  try {
    // The flags of tsconfig.json that shape the emitted types (a tsconfig is ignored when files
    // are named); only src/api.ts and what it imports are checked and emitted.
    await promisify(execFile)(process.execPath, [
      require.resolve("typescript/bin/tsc"),
      "src/api.ts",
      "--declaration",
      "--emitDeclarationOnly",
      "--outDir",
      out,
      ...["--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022"],
      ...["--strict", "--noUncheckedIndexedAccess", "--resolveJsonModule"],
      ...["--allowImportingTsExtensions", "--verbatimModuleSyntax", "--skipLibCheck"],
      ...["--types", "node"],
    ]).catch((e) => {
      throw new Error(`api-types: tsc failed\n${e.stdout}${e.stderr}`);
    });
    let codes = readFileSync(join(out, "src", "codes.d.ts"), "utf8");
    codes = once(codes, "^export declare const CODES", "declare const CODES", "CODES");
    codes = codes.replace(/^export declare function schemaCode\(.*\n/m, "");
    let api = readFileSync(join(out, "src", "api.d.ts"), "utf8");
    api = once(
      api,
      '^import (?:type )?\\{ (?:type )?Code \\} from "\\./codes\\.ts";\n',
      "",
      "the Code import",
    );
    api = once(api, "^export type \\{ Code \\};\n", "", "the Code export");
    const text = `// tunnelc's API (docs/api.md): generated from src/api.ts by scripts/api-types.mjs (npm run docs).\n${codes}${api}`;
    const left = /^\s*(?:import|export .* from)\b.*$/m.exec(text);
    if (left) throw new Error(`api-types: the declarations still import: ${left[0]}`);
    return text;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** dist/api.mjs beside the CommonJS bundle at `cjs`. */
export function writeApiModule(cjs) {
  const names = Object.keys(require(resolve(cjs))).sort();
  if (names.length === 0 || names.includes("default"))
    throw new Error(`api-types: ${cjs} exports ${names.join(", ") || "nothing"}`);
  writeFileSync(
    cjs.replace(/\.cjs$/, ".mjs"),
    [
      "// tunnelc's API as an ES module: the CommonJS bundle's exports (scripts/api-types.mjs).",
      'import api from "./api.cjs";',
      `export const { ${names.join(", ")} } = api;`,
      "",
    ].join("\n"),
  );
}

/** The two declaration files beside the bundle at `cjs`, from apiDeclarations()'s text. */
export function writeApiTypes(cjs, types) {
  for (const ext of [".d.mts", ".d.cts"]) writeFileSync(cjs.replace(/\.cjs$/, ext), types);
}

// `node scripts/api-types.mjs`: rewrite the committed declarations from src/api.ts.
if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const { mkdirSync } = await import("node:fs");
  mkdirSync("types", { recursive: true });
  writeFileSync(API_TYPES, await apiDeclarations());
}
