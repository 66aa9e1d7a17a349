// Specs named on the command line, or every spec in the default directory.
import { defaultSpecDir, type Target } from "../install/paths.ts";
import { listSpecs } from "../specfile/read.ts";

export function specFiles(
  given: string[] | undefined,
  target: Target,
  specDir: string | undefined,
): { files: string[]; dir?: string } {
  if (given && given.length > 0) return { files: given };
  const dir = specDir ?? defaultSpecDir(target);
  return { files: listSpecs(dir), dir };
}
