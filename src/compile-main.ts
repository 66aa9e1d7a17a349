// The lean entry for `compile` (dist/compile.cjs): what `tunnelc compile SPEC... [-o DIR]` and
// its other options but --root run, without yargs and the other commands, whose loading was most
// of compile's start-up (docs/performance.md). It takes only that grammar, in plain words;
// bin/tunnelc.cjs hands any other command line (--root, --help, a mistake) to the full CLI,
// which has the messages and the help. What it prints and how it exits is src/print.ts's, as for
// the CLI.
import { runCompile, type CompileArgs } from "./commands/compile.ts";
import { edgeOf, type Edge } from "./edge/edge.ts";
import { fail, print } from "./print.ts";
import { STDIN } from "./specfile/read.ts";
import { smallYoungGeneration } from "./young-generation.ts";

/** The options taking a value that this entry reads, by every name they are typed as. */
const VALUED = {
  "-o": "output",
  "--output": "output",
  "--only": "only",
  "--preset": "preset",
  "--sysusers": "sysusers",
  "--tmpfiles": "tmpfiles",
} as const;
type Valued = (typeof VALUED)[keyof typeof VALUED];

/**
 * `compile SPEC... [-o DIR | --output DIR] [--only NAME] [--preset FILE] [--sysusers DIR]
 * [--tmpfiles DIR] [--json]`, each option at most once, as the full CLI reads it; undefined for
 * any other command line. A word that starts with "-" (but "-", a spec on stdin, or -o's "-",
 * stdout), an empty word, "--", `--opt=value`, an option given twice, `--json true|false` or a
 * spec named "help" goes to the full CLI, which has the messages; so does --root, whose
 * directory the full CLI checks first.
 * `argv` starts at the command name.
 */
export function leanArgs(argv: readonly string[]): CompileArgs | undefined {
  if (argv[0] !== "compile") return undefined;
  const specs: string[] = [];
  const values: Partial<Record<Valued, string>> = {};
  let json = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    const option = Object.hasOwn(VALUED, a) ? VALUED[a as keyof typeof VALUED] : undefined;
    if (option !== undefined) {
      const v = argv[++i];
      if (v === undefined || v === "" || values[option] !== undefined) return undefined;
      if (v.startsWith("-") && !(option === "output" && v === "-")) return undefined;
      values[option] = v;
    } else if (a === "--json" && !json) {
      // yargs reads `--json true` and `--json false` as the switch's value.
      if (argv[i + 1] === "true" || argv[i + 1] === "false") return undefined;
      json = true;
    } else if (a === "-") specs.push(STDIN);
    else if (a === "" || a.startsWith("-")) return undefined;
    else specs.push(a);
  }
  // A last positional "help" is yargs's help command: `compile home.json help` shows the help.
  if (specs.length === 0 || specs.includes("help")) return undefined;
  return { specs, ...values, output: values.output ?? "-", json };
}

/**
 * Spec text (in characters) from which V8's young generation is kept small
 * (src/young-generation.ts): a fleet of about 300 tunnels. Below it, setting the flag costs more
 * start-up (loading node:v8) than it saves; above it, compile of 1,000 tunnels peaks lower.
 */
const LARGE_SPECS = 32 * 1024;

/** The machine, whose reads set the small young generation once the specs read are large. */
function sizedEdge(): Edge {
  const edge = edgeOf();
  return {
    ...edge,
    gatherer: {
      ...edge.gatherer,
      gather(queries) {
        const facts = edge.gatherer.gather(queries);
        let chars = 0;
        for (const q of queries) if (q.kind === "spec") chars += facts.get(q).text.length;
        if (chars >= LARGE_SPECS) smallYoungGeneration();
        return facts;
      },
    },
  };
}

export function main(args: CompileArgs): void {
  try {
    print(runCompile(args, sizedEdge()));
  } catch (e) {
    fail(e, args.json);
  }
}
