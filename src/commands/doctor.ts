// tunnelc doctor [SPEC...] [--user] [--json]: preflight checks before install, one line each.
import { basename } from "node:path";
import { buildModel } from "../model/build-model.ts";
import { loadSpec } from "../specfile/read.ts";
import { processRunner, type Runner } from "../install/systemctl.ts";
import * as checks from "../doctor/checks.ts";
import { ExitCode, SpecError } from "../errors.ts";
import { envelope, problem } from "../envelope.ts";
import { outcome, type Outcome } from "./outcome.ts";
import type { Tunnel } from "../model/tunnel.ts";
import { flag, anyOf, jsonOption, defineCommand } from "./options.ts";

export interface DoctorArgs {
  specs?: string[];
  user: boolean;
  json: boolean;
}

export async function runDoctor(
  args: DoctorArgs,
  runner: Runner = processRunner,
  bootedDir = checks.SD_BOOTED_DIR,
): Promise<Outcome> {
  const given = args.specs ?? [];
  const model = buildModel(given.map(loadSpec));
  if (!model.ok) throw new SpecError(model.diagnostics);
  const tunnels = model.tunnels.map((t) => t.tunnel);
  // Hints name the spec file as it was typed, found by the base name each tunnel records.
  const specOf = (t: Tunnel) => {
    const name = model.tunnels.find((m) => m.tunnel === t)?.specName;
    return given.find((f) => basename(f) === name) ?? name ?? "SPEC";
  };
  const sshPaths = [...new Set(tunnels.length ? tunnels.map((t) => t.ssh.path) : ["ssh"])];
  const list: (checks.Check | undefined)[] = [
    checks.checkSystemd(runner, bootedDir),
    ...sshPaths.map((p) => checks.checkSsh(runner, p)),
    checks.checkDistro(),
    checks.checkNss(tunnels),
    ...(args.user || tunnels.some((t) => t.scope === "user") ? [checks.checkLinger()] : []),
  ];
  for (const t of tunnels) list.push(...(await tunnelChecks(runner, t, specOf(t))));
  const all = list.filter((c): c is checks.Check => c !== undefined);
  const ok = all.every((c) => c.ok);
  const exitCode = ok ? ExitCode.ok : ExitCode.spec;
  if (args.json) {
    const failed = all
      .filter((c) => !c.ok)
      .map((c) => problem("doctor/failed", `${c.name}: ${c.detail}`));
    const stdout = envelope(ok, [...model.diagnostics, ...failed], { checks: all });
    return outcome({ exitCode, stdout });
  }
  const lines = all.flatMap((c) => [
    `${c.ok ? "✓" : "✗"} ${c.name}: ${c.detail}`,
    ...(c.hint && !c.ok ? [`    hint: ${c.hint}`] : []),
  ]);
  return outcome({ exitCode, stdout: lines.join("\n") + "\n" });
}

async function tunnelChecks(
  runner: Runner,
  t: Tunnel,
  specFile: string,
): Promise<(checks.Check | undefined)[]> {
  const ports = t.forwards.flatMap((f) =>
    f.kind !== "remote" && f.bind.kind === "tcp" ? [f.bind] : [],
  );
  return [
    checks.checkIdentity(t),
    checks.checkHostKey(runner, t, specFile),
    checks.checkAccount(runner, t),
    ...(await Promise.all(
      ports.map((b) =>
        checks.checkPort(
          runner,
          t,
          b.kind === "tcp" ? b.address : undefined,
          b.kind === "tcp" ? b.port : 0,
        ),
      ),
    )),
  ];
}

export const doctorCommand = defineCommand<DoctorArgs>({
  command: "doctor [specs..]",
  describe: "Check this machine (and the tunnels of SPECs) before installing",
  positionals: { specs: anyOf("spec files whose tunnels to check too") },
  options: { user: flag("also check what user units need"), json: jsonOption },
  examples: [
    ["$0 doctor", "the machine"],
    ["$0 doctor home.json", "the machine and home.json's tunnel"],
  ],
  run: runDoctor,
});
