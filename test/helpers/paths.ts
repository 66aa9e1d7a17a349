import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI = join(ROOT, "bin", "tunnelc.cjs");
export const updateGolden = process.env.UPDATE_GOLDEN === "1";
