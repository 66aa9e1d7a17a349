// Failpoints: named places in the write path where a test can make the real process fail as a
// full disk, a broken rename or a kill would (TUNNELC_FAILPOINT=write:ENOSPC,rename:EIO,
// after-temp:KILL). Unset, this is one environment lookup.

export function failpoint(name: string): void {
  const spec = process.env.TUNNELC_FAILPOINT;
  if (!spec) return;
  for (const item of spec.split(",")) {
    const [where, what] = item.split(":");
    if (where !== name || !what) continue;
    if (what === "KILL") process.kill(process.pid, "SIGKILL");
    const e = new Error(`${what}: injected at ${name}`) as NodeJS.ErrnoException;
    e.code = what;
    throw e;
  }
}
