// Whether a running systemd can take the systemctl calls a plan makes. Pure: a query and what
// its answer means; the gatherer answers it.
import type { Facts, Query } from "../edge/query.ts";
import type { Refusal } from "../edge/plan.ts";
import type { Command } from "./plan.ts";

/**
 * `systemctl is-system-running` prints "offline" when no systemd runs as PID 1 (systemctl(1)),
 * the state sd_booted(3) reads from /run/systemd/system/. Asked through the Runner, so the
 * systemctl a test stands in answers it too. Without a manager, daemon-reload, enable --now,
 * start and stop all fail, after the unit files were already written or removed.
 */
export const bootedQuery = {
  kind: "probe",
  argv: ["systemctl", "is-system-running"],
} as const satisfies Query;
const booted = bootedQuery;

/** Whether systemd is known not to run as PID 1 (a missing systemctl says nothing: 127). */
export function systemdOffline(facts: Facts): boolean {
  const answer = facts.get(booted);
  return answer.status !== 127 && answer.out.trim().split("\n")[0] === "offline";
}

/** The query to ask before a live (no --root) install or uninstall that calls systemctl. */
export function managerQueries(commands: readonly Command[], root: string | undefined): Query[] {
  return root === undefined && commands.length > 0 ? [booted] : [];
}

/**
 * The refusal when systemctl would be called with no systemd running: nothing is written or
 * removed, and --dry-run predicts it.
 */
export function managerRefusal(
  commands: readonly Command[],
  root: string | undefined,
  facts: Facts,
  verb: "install" | "uninstall",
): Refusal | undefined {
  if (managerQueries(commands, root).length === 0) return undefined;
  // No systemctl at all (127) is the executor's to say, when it runs one.
  if (!systemdOffline(facts)) return undefined;
  const how =
    verb === "install"
      ? "nothing was written. To write units (and with --enable, their enable links) for the next boot, use --root /; compile -o DIR writes unit files only"
      : "nothing was removed. With --root / the unit files and their enable links are removed without a running manager";
  return {
    code: "install/no-systemd",
    unit: "",
    path: "",
    message: `systemd is not running on this host (systemctl is-system-running: offline), so systemctl cannot reload, enable, start or stop units: ${how}`,
  };
}
