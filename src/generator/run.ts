// One generator run as data: what it read and what its memo said, handed from the run's reads
// (src/commands/generate-run.ts) to the compiler (compile-run.ts). Types only.
import type { Line, ReadResult } from "../edge/generator-edge.ts";
import type { Replay } from "./memo.ts";

/** What one run read, and its memo's verdict: everything the compiler and the writer need. */
export interface GenerationRun {
  user: boolean;
  normalDir: string;
  read: ReadResult;
  systemUnits: ReadonlyMap<string, ReadonlySet<string>>;
  /** The system generator's memo (src/generator/memo.ts); none for the user's or a dry run. */
  memo?: {
    key: string;
    self: string[];
    /** What the kept memo says to write, when it is this run's. */
    replay?: Replay;
    /** The kept memo as the gatherer holds it open, its units read from it: closed at the end. */
    held?: number;
  };
  /** Lines about the memo itself (one that could not be used), logged with the run's. */
  memoLines: Line[];
}
