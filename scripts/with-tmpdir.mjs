// Runs a command (the unit suite) with TMPDIR set to a directory of its own, and removes that
// directory after: the suite's tests make about 1,300 temporary directories a run, and a
// machine that runs it often would otherwise fill /tmp with them. os.tmpdir() and mktemp(1)
// both read TMPDIR. Mode 1777, as /tmp: tests that drop privileges (setpriv) make files there.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [command, ...args] = process.argv.slice(2);
if (command === undefined) {
  console.error("usage: node scripts/with-tmpdir.mjs COMMAND [ARG]...");
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), "tunnelc-test-"));
chmodSync(dir, 0o1777);
let status = 1;
try {
  const r = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, TMPDIR: dir } });
  if (r.error) console.error(`${command}: ${r.error.message}`);
  status = r.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(status);
