// A gatherer over a table instead of a machine: the facts a test hands a command's planner. It
// records every query, so a test can also say what was (not) asked.
import { dirname, basename } from "node:path";
import { Facts, type Answers, type Gatherer, type Query } from "../../src/edge/query.ts";
import type { RunResult } from "../../src/edge/systemctl.ts";

export interface World {
  /** Files by path; their directories list them. */
  files?: Record<string, string>;
  /** Paths that exist without being files given here (a directory, a key). */
  exists?: string[];
  modes?: Record<string, number>;
  /** Symbolic links by path, with their targets. */
  links?: Record<string, string>;
  /** systemctl show's stdout (status 0), or a whole result. */
  show?: string | RunResult;
  /** systemctl is-enabled's stdout. */
  enabled?: string;
  /** Journal lines by unit. */
  journal?: Record<string, string[]>;
  /** Probes by argv joined with spaces; any other probe is status 1 with no output. */
  probes?: Record<string, { status: number; out: string }>;
  /** Ports that cannot be bound, by "host:port", with the errno code. */
  busy?: Record<string, string>;
}

const ok = (stdout: string): RunResult => ({ status: 0, stdout, stderr: "" });

export function fakeGatherer(world: World, asked: Query[] = []): Gatherer {
  const files = world.files ?? {};
  const answer = (q: Query): Answers[Query["kind"]] => {
    switch (q.kind) {
      case "file":
        return q.path in files ? { text: files[q.path] } : {};
      case "dir": {
        const names = [...Object.keys(files), ...Object.keys(world.links ?? {})]
          .filter((f) => dirname(f) === q.path)
          .map((f) => basename(f))
          .sort();
        return names.length > 0
          ? { names }
          : { code: "ENOENT", error: "no such file or directory" };
      }
      case "exists":
        return q.path in files || (world.exists ?? []).includes(q.path);
      case "mode": {
        const mode = world.modes?.[q.path];
        return mode === undefined ? { error: "no such file or directory" } : { mode };
      }
      case "realpath":
      case "in-root":
        return { path: q.path };
      case "link": {
        const target = world.links?.[q.path];
        return target === undefined ? {} : { target };
      }
      case "spec":
        return { file: q.file, text: files[q.file] ?? "" };
      case "spec-dirs":
        return { dirs: [], problems: [] };
      case "root-file":
        return q.path in files ? { data: Buffer.from(files[q.path]!) } : {};
      case "memo-file":
        // No file is held open here: a test of a replay reads a real one (generator-memo.test.ts).
        return {};
      case "unit-state": {
        const argv = ["systemctl", ...q.scope, "show", ...q.units];
        const show = world.show ?? "";
        return { argv, ...(typeof show === "string" ? ok(show) : show) };
      }
      case "unit-enabled":
        return { argv: ["systemctl", ...q.scope, "is-enabled"], ...ok(world.enabled ?? "") };
      case "journal":
        return world.journal?.[q.unit] ?? [];
      case "run":
        return ok("");
      case "probe":
        return world.probes?.[q.argv.join(" ")] ?? { status: 1, out: "" };
      case "port": {
        const code = world.busy?.[`${q.host}:${q.port}`];
        return code === undefined ? {} : { code, message: code };
      }
    }
  };
  const gather = (queries: readonly Query[]) => {
    asked.push(...queries);
    return new Facts(queries.map((q) => [q, answer(q)] as const));
  };
  return { gather, gatherAsync: async (queries) => gather(queries) };
}
