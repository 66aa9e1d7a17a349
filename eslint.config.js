import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

/** Built-ins that change or reach outside the process: only the edge modules may load them. */
const EFFECTFUL = [
  "fs",
  "fs/promises",
  "child_process",
  "net",
  "dgram",
  "http",
  "https",
  "http2",
  "tls",
  "dns",
  "worker_threads",
  "cluster",
];

/**
 * The flow (docs/architecture.md): each folder may import only folders of its own or an earlier
 * stage, and the shared modules at src/*.ts (errors, codes, envelope…). The features are pure
 * planners over facts; commands wire them to the edge; only the entries import commands: src/cli.ts,
 * src/compile-main.ts, src/generator-main.ts and src/api.ts (the API, which may neither print
 * nor exit: it is not among the files the printing rule is turned off for below).
 */
const FEATURES = ["install", "status", "generator", "doctor", "trust", "keygen", "init", "import"];
const LATER = {
  specfile: ["model", "unit", "render", "ends", "edge", ...FEATURES, "commands"],
  model: ["unit", "render", "ends", "edge", ...FEATURES, "commands"],
  unit: ["specfile", "model", "render", "ends", "edge", ...FEATURES, "commands"],
  render: ["ends", "edge", ...FEATURES, "commands"],
  ends: ["render", "unit", "edge", ...FEATURES, "commands"],
  edge: [...FEATURES, "commands"],
  ...Object.fromEntries(FEATURES.map((f) => [f, ["commands"]])),
  commands: [],
};
const flowBlocks = Object.entries(LATER).map(([folder, later]) => ({
  files: [`src/${folder}/**`],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: [
          ...(later.length > 0
            ? [
                {
                  group: later.map((l) => `../${l}/*`),
                  message: `src/${folder} comes before these in the flow (docs/architecture.md): move the shared thing to the earlier stage.`,
                },
              ]
            : []),
          {
            group: [
              "../cli.ts",
              "../cli-args.ts",
              "../compile-main.ts",
              "../generator-main.ts",
              "../print.ts",
              "../api.ts",
            ],
            message:
              "The entries (the CLI, the generator, the API) are where the flow ends; nothing imports them.",
          },
        ],
      },
    ],
  },
}));

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
      // Only src/print.ts prints and exits, for the CLI and the lean compile (see
      // docs/architecture.md), and src/generator-main.ts for the generator (the last block turns
      // these off there).
      "no-restricted-properties": [
        "error",
        { object: "process", property: "exit", message: "Only src/print.ts exits." },
        { object: "process", property: "exitCode", message: "Only src/print.ts exits." },
        {
          object: "process",
          property: "stdout",
          message: "Only src/print.ts prints: return an Outcome.",
        },
        {
          object: "process",
          property: "stderr",
          message: "Only src/print.ts prints: return an Outcome.",
        },
      ],
      "no-console": "error",
    },
  },
  {
    // Effects live in one place: the pipeline's stages and the commands read through the gatherer
    // (src/edge/read.ts) and change things through the executor (src/edge/execute.ts, whose file
    // side is src/edge/apply-files.ts), never with fs, processes or sockets of their own. The
    // edge modules are allowed by name.
    files: [
      "src/*.ts",
      "src/edge/**",
      "src/status/**",
      "src/commands/**",
      "src/model/**",
      "src/render/**",
      "src/unit/**",
      "src/specfile/**",
      "src/doctor/**",
      "src/ends/**",
      "src/init/**",
      "src/trust/**",
      "src/install/**",
      "src/keygen/**",
      "src/generator/**",
      "src/import/**",
    ],
    ignores: [
      "src/edge/read.ts", // the gatherer
      "src/edge/execute.ts", // the executor: commands through the Runner
      "src/edge/apply-files.ts", // the executor's file side, the generator's too
      "src/edge/in-root.ts", // --root's jail: lstat and readlink, for the two above
      "src/specfile/read.ts", // the spec reader, which the gatherer calls
      "src/specfile/trusted-path.ts", // the spec reader's walk up the directories (lstat)
      "src/edge/atomic-write.ts", // the file applier's atomic writes
      "src/edge/systemctl.ts", // the Runner
      "src/keygen/generate.ts", // ssh-keygen's own Runner (stdin closed)
      "src/edge/generator-edge.ts", // the generator's reads and logs at boot (next block)
      "src/builtin.ts", // lazyBuiltin itself: each call's module is fenced by name (above)
      "src/print.ts", // the entries' output: writes to stdout and stderr
    ],
    rules: {
      // The same built-ins loaded another way: lazyBuiltin (src/builtin.ts), import() or require.
      "no-restricted-syntax": [
        "error",
        {
          selector: `CallExpression[callee.name='lazyBuiltin'][arguments.0.value=/^node:(${EFFECTFUL.map((m) => m.replace("/", "[/]")).join("|")})$/]`,
          message:
            "An effectful built-in belongs to the edge: read through the gatherer, change through the executor.",
        },
        {
          selector: "ImportExpression",
          message:
            "No import() outside the edge: it can load any effectful module past the import fence.",
        },
        {
          selector: "CallExpression[callee.name='require']",
          message:
            "No require outside the edge: it can load any effectful module past the import fence.",
        },
      ],
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [
            ...EFFECTFUL.flatMap((m) =>
              [m, `node:${m}`].map((name) => ({
                name,
                message:
                  "Read through src/edge/read.ts (the gatherer); change through src/edge/execute.ts.",
              })),
            ),
            // createRequire would load any of them past this fence.
            ...["module", "node:module", "vm", "node:vm"].map((name) => ({
              name,
              message:
                "Load a built-in with lazyBuiltin (src/builtin.ts), which is fenced by name.",
            })),
          ],
          patterns: [
            {
              group: ["**/edge/systemctl.ts", "**/edge/atomic-write.ts"],
              allowTypeImports: true,
              message: "Run commands through the gatherer or the executor (src/edge/).",
            },
            {
              group: ["**/specfile/read.ts"],
              importNames: ["loadSpec"],
              message: "Read specs through the gatherer: loadSpecs in src/commands/specs-arg.ts.",
            },
            {
              group: ["**/edge/generator-edge.ts"],
              importNames: ["readSpecDirs"],
              message: 'Read spec directories through the gatherer ({ kind: "spec-dirs" }).',
            },
          ],
        },
      ],
    },
  },
  {
    // The generator's edge reads specs and writes log lines (kmsg, journald's socket); its output
    // files and links are effects, applied by src/edge/apply-files.ts like every command's.
    files: ["src/edge/generator-edge.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        ...["fs", "node:fs"].map((name) => ({
          name,
          importNames: [
            "mkdirSync",
            "writeFileSync",
            "symlinkSync",
            "rmSync",
            "unlinkSync",
            "renameSync",
            "chmodSync",
          ],
          message:
            "The generator's writes are effects (generationEffects, src/edge/apply-files.ts).",
        })),
        { name: "child_process", message: "The generator runs no commands." },
        { name: "node:child_process", message: "The generator runs no commands." },
      ],
    },
  },
  {
    // The file applier is in the generator's bundle: no commands, no sockets, so it loads
    // neither child_process nor net at every boot.
    files: ["src/edge/apply-files.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: ["child_process", "net"].flatMap((m) =>
            [m, `node:${m}`].map((name) => ({
              name,
              message:
                "Commands belong to src/edge/execute.ts; the file applier only touches files.",
            })),
          ),
          patterns: [
            {
              group: ["**/edge/systemctl.ts"],
              allowTypeImports: true,
              message: "The Runner belongs to src/edge/execute.ts.",
            },
          ],
        },
      ],
    },
  },
  {
    // The loader is CommonJS on purpose: it runs the bundle from a V8 code cache.
    files: ["bin/*.cjs", "scripts/*.cjs", "test/e2e/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // src/generator-main.ts: the generator's own entry, which boots without src/print.ts.
    files: ["src/print.ts", "src/generator-main.ts", "scripts/**", "test/**", "bin/**"],
    rules: { "no-restricted-properties": "off", "no-console": "off" },
  },
  ...flowBlocks,
);
