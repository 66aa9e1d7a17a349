import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "src/specfile/generated/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      // Refusing control characters is the point of many checks here.
      "no-control-regex": "off",
      // Only the CLI entry prints and exits (see docs/architecture.md).
      "no-restricted-properties": [
        "error",
        { object: "process", property: "exit", message: "Only src/cli.ts exits." },
      ],
    },
  },
  {
    // The loader is CommonJS on purpose: it runs the bundle from a V8 code cache.
    files: ["bin/*.cjs", "scripts/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // src/generator/main.ts: the generator's own entry, which boots without src/cli.ts.
    files: ["src/cli.ts", "src/generator/main.ts", "scripts/**", "test/**", "bin/**"],
    rules: { "no-restricted-properties": "off" },
  },
);
