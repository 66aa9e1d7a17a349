// What the generator logs about the specs it could not use: pure lines, which the edge
// (src/edge/generator-edge.ts) writes to the kernel log or the journal.
import { formatDiagnostic, visible } from "../report.ts";
import type { Diagnostic } from "../errors.ts";
import type { GenerationPlan } from "./plan.ts";
import type { Line } from "../edge/generator-edge.ts";

/** `file:line:col: /pointer: message`, one line per problem, then a summary. */
export function problemLines(problems: Diagnostic[], specs: GenerationPlan["specs"]): Line[] {
  const lines: Line[] = problems.map((d) => ({
    level: d.severity === "error" ? 3 : 4,
    text: visible(formatDiagnostic({ ...d, frame: undefined })),
  }));
  const broken = specs.filter((s) => !s.ok);
  if (broken.length > 0)
    lines.push({
      level: 4,
      text: `${broken.length} spec(s) with errors: ${broken.map((s) => visible(s.file)).join(", ")}; none of their tunnels runs (tunnelc status says why)`,
    });
  return lines;
}
