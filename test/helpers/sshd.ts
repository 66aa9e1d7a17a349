// The tests' own sshd in the foreground (sshd -D -e) on a free port of 127.0.0.1, handed back
// once it says it listens; an sshd that exits first fails with its log.
import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "./free-port.ts";

export const SSHD = "/usr/sbin/sshd";

export async function listeningSshd(
  config: string,
  extra: string[] = [],
): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(SSHD, ["-D", "-e", "-f", config, "-p", String(port), ...extra], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  await new Promise<void>((ok, fail) => {
    let log = "";
    child.stderr!.on("data", (d: Buffer) => {
      log += String(d);
      if (log.includes("Server listening")) ok();
    });
    child.on("exit", (code) => fail(new Error(`sshd exited ${code}: ${log}`)));
  });
  return { port, child };
}
