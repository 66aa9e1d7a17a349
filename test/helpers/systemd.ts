// systemd itself as an oracle: systemd-analyze verify, and `systemd --test` (run as an
// unprivileged user, it loads units from SYSTEMD_UNIT_PATH and dumps them, each ExecStart as
// the argv it parsed) (docs/testing.md). Never boots anything.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const SYSTEMD = "/lib/systemd/systemd";
const NOBODY = "65534";

export function hasSystemdAnalyze(): boolean {
  return spawnSync("systemd-analyze", ["--version"], { stdio: "ignore" }).status === 0;
}

export function hasSystemdTest(): boolean {
  return (
    spawnSync("setpriv", ["--version"], { stdio: "ignore" }).status === 0 &&
    spawnSync(SYSTEMD, ["--version"], { stdio: "ignore" }).status === 0
  );
}

export function withUnitDir<T>(files: Record<string, string>, fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "tunnelc-units-"));
  try {
    chmodSync(dir, 0o755);
    for (const [name, text] of Object.entries(files))
      writeFileSync(join(dir, name), text, { mode: 0o644 });
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The version of systemd-analyze here (252 on Debian 12). */
let analyzeVersion: number | undefined;
function systemdAnalyzeVersion(): number {
  analyzeVersion ??= Number(
    /systemd (\d+)/.exec(
      spawnSync("systemd-analyze", ["--version"], { encoding: "utf8" }).stdout ?? "",
    )?.[1] ?? 0,
  );
  return analyzeVersion;
}

/**
 * The one complaint a good unit may draw from an older systemd: restart.maxDelaySec's keys are
 * systemd 254's (systemd.service(5)), which 252 ignores with this line, as docs/spec.md says.
 * Booted on systemd 257 by test/e2e/newer.test.ts, where verify is clean.
 */
const NEWER_KEY =
  /: Unknown key '(?:RestartSteps|RestartMaxDelaySec)' in section \[Service\], ignoring\.$/;

/** systemd-analyze verify on unit files; returns its complaints ("" when clean). */
export function verifyUnits(paths: string[]): { ok: boolean; output: string } {
  const r = spawnSync("systemd-analyze", ["verify", "--man=no", ...paths], { encoding: "utf8" });
  const drop = (text: string) =>
    systemdAnalyzeVersion() >= 254
      ? text
      : text
          .split("\n")
          .filter((l) => !NEWER_KEY.test(l))
          .join("\n");
  const stderr = drop(r.stderr);
  return { ok: r.status === 0 && stderr.trim() === "", output: `${drop(r.stdout)}${stderr}` };
}

export function securityScore(path: string): number {
  const out = execFileSync("systemd-analyze", ["security", "--offline=true", path], {
    encoding: "utf8",
  });
  const m = /Overall exposure level for .*?: ([0-9.]+)/.exec(out);
  if (!m) throw new Error(`no exposure level in:\n${out}`);
  return Number(m[1]);
}

/** This process's environment without what a system manager does not have. */
function systemEnv(): NodeJS.ProcessEnv {
  const { TMPDIR: _d, TEMP: _e, TMP: _t, ...rest } = process.env;
  return rest;
}

/**
 * systemd's own reading of the units in dir (systemd --test, as nobody): its dump of every unit
 * the oracle target pulls in.
 */
export function systemdDump(dir: string, units: string[]): string {
  writeFileSync(join(dir, "oracle.target"), `[Unit]\nWants=${units.join(" ")}\n`, { mode: 0o644 });
  const r = spawnSync(
    "setpriv",
    [
      "--reuid",
      NOBODY,
      "--regid",
      NOBODY,
      "--clear-groups",
      SYSTEMD,
      "--test",
      "--system",
      "--unit=oracle.target",
      "--no-pager",
    ],
    {
      encoding: "utf8",
      // Without TMPDIR (and TEMP, TMP): systemd reads %T and %V from them, and the system
      // manager, whose reading src/import/specifiers.ts follows, has none (systemd.unit(5)).
      env: { ...systemEnv(), SYSTEMD_UNIT_PATH: `${dir}:`, SYSTEMD_LOG_LEVEL: "err" },
      maxBuffer: 256 * 1024 * 1024,
      cwd: "/",
    },
  );
  if (r.status !== 0) throw new Error(`systemd --test failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

/** Every unit's ExecStart argv as systemd parsed it, keyed by unit name. */
export function dumpCommandLines(dir: string, units: string[]): Map<string, string[][]> {
  return parseDump(systemdDump(dir, units));
}

function parseDump(dump: string): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  let unit = "";
  for (const line of dump.split("\n")) {
    const u = /^\t-> Unit (.+):$/.exec(line);
    if (u) unit = u[1]!;
    const c = /^\t\t\tCommand Line: (.*)$/.exec(line);
    if (c && unit) out.set(unit, [...(out.get(unit) ?? []), splitQuoted(c[1]!)]);
  }
  return out;
}

/**
 * Reads the dump's re-quoted words (systemd's quote_command_line(): a word with special
 * characters in "…" with \\ \" \$ \` escaped), then applies what exec does with "$$" → "$"
 * (systemd.service(5): "$$" is a literal "$").
 */
export function splitQuoted(text: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === " ") {
      i++;
      continue;
    }
    let word = "";
    if (text[i] === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\") i++;
        word += text[i++];
      }
      i++;
    } else {
      while (i < text.length && text[i] !== " ") word += text[i++];
    }
    words.push(word.replace(/\$\$/g, "$"));
  }
  return words;
}
