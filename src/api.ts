// The API entry (docs/api.md): what a packaging or build script calls instead of running the CLI.
// `import { compile } from "tunnelc"` or `require("tunnelc")` loads the bundle of this file.
//
// Each function runs the command's own `run` with --json and hands back its envelope as an
// object: the same fields, the same diagnostics, from the same code (docs/cli.md "JSON"), never
// a second report that could drift from it. Nothing is printed, nothing exits, nothing is
// written: units come back as text for the caller to write. Spec files named by path are read
// by the gatherer (src/edge/read.ts), specs given as text are answered from memory
// (src/edge/spec-texts.ts). A mistake in a spec, an unreadable file or a bad option value is a
// diagnostic with ok false, exactly as --json says; only a wrong argument type (a programming
// error) throws, a TypeError.
import { CODES, type Code } from "./codes.ts";
import type { JsonDiagnostic } from "./envelope.ts";
import { envelope, errorDiagnostics } from "./envelope.ts";
import { TunnelcError } from "./errors.ts";
import { edgeOf, type Edge } from "./edge/edge.ts";
import { withSpecTexts } from "./edge/spec-texts.ts";
import type { Outcome } from "./commands/outcome.ts";
import { runCompile, type CompileArgs } from "./commands/compile.ts";
import { runValidate } from "./commands/validate.ts";
import { runRelay, runSshConfig, type EndsArgs } from "./commands/relay.ts";
import schemaJson from "../schemas/tunnel.schema.json" with { type: "json" };
import pkg from "../package.json" with { type: "json" };

export type { Code };

/** One problem, exactly as `--json` reports it (src/envelope.ts `JsonDiagnostic`). */
export interface Diagnostic {
  severity: "error" | "warning";
  /** The registry's code (docs/codes.md): "schema/type", "rule/duplicate-name", "system/io"… */
  code: Code;
  /** The spec file (a path as given, or a text's `file`); null for a problem outside any file. */
  file: string | null;
  /** 1-based; null when the problem is not at a place in a spec. */
  line: number | null;
  column: number | null;
  /** The JSON pointer of the field ("" for the whole document); null outside a spec. */
  pointer: string | null;
  message: string;
}

// Held equal to the envelope's type both ways: the declaration above is what the package ships.
const _sameDiagnostic: [Diagnostic, JsonDiagnostic] extends [JsonDiagnostic, Diagnostic]
  ? true
  : never = true;
void _sameDiagnostic;

/** A spec's text, with the file name its diagnostics carry (nothing is read from that path). */
export interface SpecSource {
  file: string;
  text: string;
}

/** A spec file's path (read as `tunnelc compile PATH` reads it), or a spec's text. */
export type Spec = string | SpecSource;

/** What every function returns: the `--json` envelope's two first fields. */
export interface Result {
  /** No errors (warnings may be in `diagnostics`): the CLI would have exited 0. */
  ok: boolean;
  diagnostics: Diagnostic[];
}

/** A compiled unit, as `compile --json -o -` lists it. */
export interface Unit {
  /** The tunnel's name. */
  name: string;
  /** The unit's file name, "NAME.service". */
  file: string;
  /** The manager it is for: "system" (/etc/systemd/system…) or "user" (~/.config/systemd/user…). */
  scope: "system" | "user";
  /** The base name of the spec file the tunnel came from (the unit's header names it too). */
  spec: string;
  /** The unit file's bytes, exactly as `tunnelc compile -o DIR` writes them. */
  text: string;
}

export interface CompileOptions {
  /** Only the tunnel (or fleet device) of this name, as `--only`; the whole spec is still checked. */
  only?: string;
}

export interface CompileResult extends Result {
  /** Every tunnel's unit; empty when ok is false. */
  units: Unit[];
}

export interface ValidateResult extends Result {
  /** Per spec, in the order given; empty when a spec could not be read at all. */
  specs: { file: string; ok: boolean; tunnels: string[]; diagnostics: Diagnostic[] }[];
}

export interface RelayOptions {
  /** The sshd_config.d Match block instead of authorized_keys (`--sshd-config`). */
  sshdConfig?: boolean;
  /** The relay's MaxStartups and LoginGraceTime for the fleet (`--sshd-limits`). */
  sshdLimits?: boolean;
  /** With sshdLimits: the relay's OpenSSH version, as `sshd -V` prints it or "9.8" (`--openssh`). */
  openssh?: string;
  /** The relay's sysctl.d file (`--sysctl`). */
  sysctl?: boolean;
  /** Only this tunnel or device (`--only`). */
  only?: string;
  /** Only the tunnels to this relay of a fleet's "relays" (`--relay`). */
  relay?: string;
}

/** Exactly one of the four files is given when ok is true: the one the options asked for. */
export interface RelayResult extends Result {
  authorizedKeys?: string;
  sshdConfig?: string;
  sshdLimits?: string;
  sysctl?: string;
}

export interface SshConfigOptions {
  only?: string;
  relay?: string;
  /** Your own account on the relay (`--relay-user`; default: the devices' relay account). */
  relayUser?: string;
}

export interface SshConfigResult extends Result {
  /** The laptop's Host blocks; absent when ok is false. */
  sshConfig?: string;
}

/** What each code means and what to do about it (docs/codes.md is generated from the same table). */
export const codes: Readonly<Record<Code, { readonly meaning: string; readonly fix?: string }>> =
  deepFreeze(structuredClone(CODES));

/** The installed tunnelc's version (package.json). */
export const version: string = pkg.version;

/** The JSON Schema specs are checked against, as `tunnelc schema` prints it (frozen). */
export const schema: Readonly<Record<string, unknown>> = deepFreeze(structuredClone(schemaJson));

/** Spec files or texts → each tunnel's unit, as `tunnelc compile --json -o -`. */
export function compile(
  specs: Spec | readonly Spec[],
  options: CompileOptions = {},
): CompileResult {
  const { names, edge } = specsOf(specs, "compile");
  const o = optionsOf(options, "compile", { only: "string" }) as Partial<CompileArgs>;
  const r = run(() => runCompile({ ...o, specs: names, output: "-", json: true }, edge));
  return { ...r, units: (r.units as Unit[] | undefined) ?? [] } as CompileResult;
}

/** Every problem of each spec, as `tunnelc validate --json`. */
export function validate(specs: Spec | readonly Spec[]): ValidateResult {
  const { names, edge } = specsOf(specs, "validate");
  const r = run(() => runValidate({ specs: names, json: true }, edge));
  return { ...r, specs: (r.specs as ValidateResult["specs"] | undefined) ?? [] } as ValidateResult;
}

/** The relay's authorized_keys (or one of its other files), as `tunnelc relay --json`. */
export function relay(specs: Spec | readonly Spec[], options: RelayOptions = {}): RelayResult {
  const { names, edge } = specsOf(specs, "relay");
  const o = optionsOf(options, "relay", {
    sshdConfig: "boolean",
    sshdLimits: "boolean",
    openssh: "string",
    sysctl: "boolean",
    only: "string",
    relay: "string",
  });
  return run(() =>
    runRelay({ ...(o as Partial<EndsArgs>), specs: names, json: true }, edge),
  ) as RelayResult;
}

/** The laptop's ~/.ssh/config Host blocks, as `tunnelc ssh-config --json`. */
export function sshConfig(
  specs: Spec | readonly Spec[],
  options: SshConfigOptions = {},
): SshConfigResult {
  const { names, edge } = specsOf(specs, "sshConfig");
  const o = optionsOf(options, "sshConfig", {
    only: "string",
    relay: "string",
    relayUser: "string",
  });
  return run(() =>
    runSshConfig({ ...(o as Partial<EndsArgs>), specs: names, json: true }, edge),
  ) as SshConfigResult;
}

type Envelope = Result & Record<string, unknown>;

/**
 * The command's --json envelope as an object; a thrown tunnelc error (an unreadable file, a bad
 * option value) as the envelope src/cli.ts prints for it. Anything else is a bug and is thrown.
 * The text is parsed back rather than built a second way: one report, whatever reads it. Its
 * cost is small beside the compile's (a fleet of 5,000 devices, 22 MB of units: 0.2 to 0.5 s of
 * JSON.parse in 2.5 s).
 */
function run(command: () => Outcome): Envelope {
  try {
    return JSON.parse(command().stdout) as Envelope;
  } catch (e) {
    if (!(e instanceof TunnelcError)) throw e;
    return JSON.parse(envelope(false, errorDiagnostics(e))) as Envelope;
  }
}

/** The specs' names for the command, and the edge that reads them: texts from memory. */
function specsOf(specs: Spec | readonly Spec[], fn: string): { names: string[]; edge: Edge } {
  const list: readonly unknown[] = Array.isArray(specs) ? specs : [specs];
  if (list.length === 0) throw new TypeError(`tunnelc.${fn}: name at least one spec`);
  const texts: SpecSource[] = [];
  const names = list.map((s, i) => {
    if (typeof s === "string") {
      // "-" is standard input to the CLI; a library reading it would hang a build.
      if (s === "" || s === "-")
        throw new TypeError(`tunnelc.${fn}: spec ${i}: give a path, or { file, text }`);
      return s;
    }
    const { file, text } = (s ?? {}) as Partial<SpecSource>;
    if (typeof file !== "string" || file === "" || typeof text !== "string")
      throw new TypeError(
        `tunnelc.${fn}: spec ${i}: a path, or { file, text } with two strings (file not empty)`,
      );
    texts.push({ file, text });
    return file;
  });
  // A text's name is the one spec of that name (the same path twice is the CLI's own case).
  const count = new Map<string, number>();
  for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
  const twice = texts.find((t) => count.get(t.file)! > 1);
  if (twice !== undefined) throw new TypeError(`tunnelc.${fn}: ${twice.file}: named by two specs`);
  const machine = edgeOf();
  return {
    names,
    edge:
      texts.length === 0
        ? machine
        : { ...machine, gatherer: withSpecTexts(texts, machine.gatherer) },
  };
}

/** The options object, each known key of its type; an unknown key is a TypeError (a typo). */
function optionsOf(
  options: unknown,
  fn: string,
  types: Record<string, "string" | "boolean">,
): Record<string, unknown> {
  if (typeof options !== "object" || options === null || Array.isArray(options))
    throw new TypeError(`tunnelc.${fn}: options must be an object`);
  const picked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    const type = types[key];
    if (type === undefined)
      throw new TypeError(
        `tunnelc.${fn}: unknown option ${JSON.stringify(key)} (known: ${Object.keys(types).join(", ")})`,
      );
    if (value === undefined) continue;
    if (typeof value !== type) throw new TypeError(`tunnelc.${fn}: option ${key}: not a ${type}`);
    picked[key] = value;
  }
  return picked;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
