// The reads a command makes before it plans, behind one small interface at the edge, so that
// planning code can be handed a fake. Spec files are read by src/specfile/read.ts, unit
// directories by src/install/read-units.ts, read-only commands through the Runner.
import { existsSync, readFileSync, statSync } from "node:fs";

export interface Reader {
  exists(path: string): boolean;
  /** The file's text, or undefined when it cannot be read. */
  text(path: string): string | undefined;
  /** The permission bits of an existing file. */
  mode(path: string): number;
}

export const fsReader: Reader = {
  exists: (path) => existsSync(path),
  text(path) {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
  },
  mode: (path) => statSync(path).mode & 0o777,
};
