// The command line's -o options and the -F config file the jump connections read must say the
// same: for every golden spec and example tunnel, both are parsed back into (option, value) pairs
// with the directories expanded as systemd would (systemd.unit(5) "Specifiers", systemd.exec(5)
// $RUNTIME_DIRECTORY or $CREDENTIALS_DIRECTORY, $STATE_DIRECTORY) and compared. With jump hosts
// the config is read from the compiled unit: the StandardInputText= lines the hand-over writes to
// the file, or a static account's SetCredential= (src/render/handover.ts); without, from the
// rendering the unit would use.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { compileSpecs } from "../src/render/units.ts";
import { sshCommandLine } from "../src/render/ssh-argv.ts";
import { sshConfigLines } from "../src/render/ssh-settings.ts";
import { expandWords } from "../src/unit/command-line.ts";
import { unitsWithTunnels, type UnitWithTunnel } from "./helpers/unit-tunnels.ts";
import { ROOT } from "./helpers/paths.ts";
import { HANDOVER, runtimeDirectory } from "../src/render/handover.ts";
import { usesCredentials } from "../src/model/accounts.ts";

const RUNTIME_ROOT = "/run";
const CREDENTIALS = "/run/credentials/x.service";
const STATE_ROOT = "/var/lib";

/** ssh(1) flags that take an argument, so that an argument is never read as a flag. */
const TAKES_ARGUMENT = new Set(["-o", "-i", "-F", "-J", "-R", "-L", "-D", "-l", "-p"]);
/** The one option only the command line carries: the jump connections forward nothing. */
const COMMAND_LINE_ONLY = "ExitOnForwardFailure";

type Pair = [string, string];

function argvOptions(u: UnitWithTunnel): Pair[] {
  const argv = expandWords(sshCommandLine(u.tunnel), {
    t: RUNTIME_ROOT,
    d: CREDENTIALS,
    S: STATE_ROOT,
  });
  const out: Pair[] = [];
  for (let i = 1; i < argv.length && argv[i] !== "--"; i++) {
    const flag = argv[i]!;
    if (!TAKES_ARGUMENT.has(flag)) continue;
    const arg = argv[++i]!;
    if (flag === "-i") out.push(["IdentityFile", arg]);
    if (flag === "-o") {
      const eq = arg.indexOf("=");
      out.push([arg.slice(0, eq), arg.slice(eq + 1)]);
    }
  }
  return out;
}

/** The config file's lines as the unit hands them over, or undefined when the unit has none. */
function unitConfigLines(u: UnitWithTunnel): string[] | undefined {
  const credential = u.text.split("\n").find((l) => l.startsWith("SetCredential=ssh-config:"));
  if (credential !== undefined) {
    assert.ok(usesCredentials(u.tunnel), "only a static account's unit has credentials");
    assert.match(u.text, / -F %d\/ssh-config /);
    const value = credential.slice("SetCredential=ssh-config:".length).replace(/%%/g, "%");
    assert.ok(value.endsWith("\\n"), "the config ends with a newline");
    return value.slice(0, -2).split("\\n");
  }
  const prefix = `StandardInputText=${HANDOVER.sshConfig} `;
  const lines = u.text
    .split("\n")
    .filter((l) => l.startsWith(prefix))
    .map((l) => l.slice(prefix.length).replace(/%%/g, "%"));
  if (lines.length === 0) return undefined;
  assert.match(u.text, new RegExp(`-F %t/${runtimeDirectory(u.tunnel)}/${HANDOVER.sshConfig} `));
  return lines;
}

function configOptions(u: UnitWithTunnel, lines: string[]): Pair[] {
  const state = /^StateDirectory=(.*)$/m.exec(u.text)?.[1];
  assert.equal(lines[0], "Host *");
  return lines.slice(1).map((l) => {
    const space = l.indexOf(" ");
    const value = l
      .slice(space + 1)
      .replace(/\$\{RUNTIME_DIRECTORY\}/g, `${RUNTIME_ROOT}/${runtimeDirectory(u.tunnel)}`)
      .replace(/\$\{CREDENTIALS_DIRECTORY\}/g, CREDENTIALS)
      .replace(/\$\{STATE_DIRECTORY\}/g, `${STATE_ROOT}/${state ?? "(no StateDirectory=)"}`);
    return [l.slice(0, space), value];
  });
}

const sorted = (pairs: Pair[]) => pairs.map((p) => p.join(" ")).sort();

function units(dir: string, files: string[]): [string, UnitWithTunnel][] {
  return files.flatMap((f) => {
    const r = compileSpecs([{ file: f, text: readFileSync(join(dir, f), "utf8") }]);
    assert.equal(r.ok, true, `${f} compiles`);
    return unitsWithTunnels(r).map((u): [string, UnitWithTunnel] => [`${f}: ${u.fileName}`, u]);
  });
}

const golden = join(ROOT, "test", "golden");
const examples = join(ROOT, "docs", "examples");
const ALL = [
  ...units(
    golden,
    readdirSync(golden)
      .sort()
      .map((c) => join(c, "spec.json")),
  ),
  ...units(
    examples,
    readdirSync(examples)
      .filter((f) => f.endsWith(".json"))
      .sort(),
  ),
];

test("the golden specs and examples include tunnels with and without jump hosts", () => {
  const withJumps = ALL.filter(([, u]) => u.tunnel.server.jump.length > 0);
  assert.ok(withJumps.length >= 2, "tunnels with jump hosts");
  assert.ok(ALL.length - withJumps.length >= 10, "tunnels without");
});

for (const [where, u] of ALL) {
  const t = u.tunnel;
  const jumps = t.server.jump.length > 0;
  test(`${where} (${jumps ? "jump hosts" : "no jump hosts"}): -o options = -F config`, () => {
    const fromUnit = unitConfigLines(u);
    if (jumps) assert.deepEqual(fromUnit, sshConfigLines(t), "the unit carries the rendering");
    else assert.equal(fromUnit, undefined, "no config credential without jump hosts");
    const argv = argvOptions(u);
    const config = configOptions(u, fromUnit ?? sshConfigLines(t));
    assert.ok(
      argv.some(([o, v]) => o === COMMAND_LINE_ONLY && v === "yes"),
      `${COMMAND_LINE_ONLY}=yes on the command line`,
    );
    const shared = argv.filter(([o]) => o !== COMMAND_LINE_ONLY);
    assert.equal(new Set(shared.map(([o]) => o)).size, shared.length, "each option once");
    assert.equal(new Set(config.map(([o]) => o)).size, config.length, "each option once");
    assert.deepEqual(sorted(config), sorted(shared));
  });
}
