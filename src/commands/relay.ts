// tunnelc relay SPEC... [--sshd-config | --sshd-limits | --sysctl] [--only NAME] and tunnelc ssh-config SPEC... [--only NAME]:
// the other two ends of the tunnels, from the same specs.
import { edgeOf, type Edge } from "../edge/edge.ts";
import { buildModel } from "../model/build-model.ts";
import {
  authorizedKeys,
  perRelay,
  relayProblems,
  relaySysctl,
  sharedKeys,
  sshdConfig,
  sshdLimits,
  type EndsModel,
  type EndsProblem,
} from "../ends/relay.ts";
import { sshConfig, sshConfigProblems } from "../ends/ssh-config.ts";
import { loginNameProblem } from "../ends/grammar.ts";
import { locate } from "../specfile/locate.ts";
import { SpecError, UsageError } from "../errors.ts";
import { envelope } from "../envelope.ts";
import { outcome, type Outcome } from "./outcome.ts";
import type { Code } from "../codes.ts";
import type { SpecText } from "../specfile/source.ts";
import { onlyOption, onlyTunnels } from "./only.ts";
import type { ModelTunnel } from "../model/tunnel.ts";
import { flag, text, someOf, jsonOption, defineCommand } from "./options.ts";

import type { Facts, Gatherer } from "../edge/query.ts";
import { loadSpecs } from "./specs-arg.ts";
import { opensshVersionArg } from "../model/versions.ts";

export interface EndsArgs {
  specs: string[];
  only?: string;
  sshdConfig?: boolean;
  sshdLimits?: boolean;
  openssh?: string;
  sysctl?: boolean;
  relay?: string;
  relayUser?: string;
  json: boolean;
}

/**
 * The model of the specs, only --only's tunnel when given; refused (exit 1, located) when a value
 * it would write into the relay's or the laptop's files does not fit that file's grammar.
 */
function modelOf(
  args: EndsArgs,
  gatherer: Gatherer,
  check: (m: EndsModel) => EndsProblem[],
): { model: EndsModel; texts: SpecText[] } {
  const texts = loadSpecs(args.specs, gatherer);
  const model = buildModel(texts);
  if (!model.ok) throw new SpecError(model.diagnostics);
  const ends = {
    ...model,
    tunnels: relayTunnels(onlyTunnels(model.tunnels, args.only), args.relay),
  };
  throwLocated("ends/grammar", check(ends), texts);
  return { model: ends, texts };
}

/** --relay NAME: the tunnels to one of the fleet's relays; a name no spec has is a usage error. */
function relayTunnels(tunnels: ModelTunnel[], relay: string | undefined): ModelTunnel[] {
  if (relay === undefined) return tunnels;
  const picked = tunnels.filter((t) => t.tunnel.via?.relay === relay);
  if (picked.length > 0) return picked;
  const names = [...new Set(tunnels.flatMap((t) => t.tunnel.via?.relay ?? []))];
  throw new UsageError(
    names.length === 0
      ? `--relay ${relay}: the specs name no relays (a fleet's "relays")`
      : `--relay ${relay}: no such relay in the specs (they have ${names.join(", ")})`,
  );
}

/** Problems of the ends, each at its tunnel's field in its own file: one located SpecError. */
function throwLocated(code: Code, found: readonly EndsProblem[], texts: SpecText[]): void {
  if (found.length === 0) return;
  const problems = found.map((p) => ({
    severity: "error" as const,
    code,
    message: p.message,
    file: p.tunnel.file,
    pointer: `${p.tunnel.pointer}${p.at}`,
  }));
  throw new SpecError(
    locate(
      problems,
      texts.map((t) => ({ ...t, mergedDefaults: true })),
    ),
  );
}

/** A device's key file, read when the spec has no publicKey. */
const pubQuery = (t: ModelTunnel) =>
  t.tunnel.publicKey === undefined && t.tunnel.identity !== undefined
    ? [{ kind: "file", path: `${t.tunnel.identity}.pub` } as const]
    : [];

const KEY = /^(\S+) ([A-Za-z0-9+/]+={0,2})(?:\s|$)/;

/** The device's public key: the spec's publicKey, or the identity's .pub file. */
function publicKey(mt: ModelTunnel, facts: Facts): string | EndsProblem {
  const t = mt.tunnel;
  let text = t.publicKey;
  const [q] = pubQuery(mt);
  if (q !== undefined) {
    text = facts.get(q).text;
    if (text === undefined)
      return {
        tunnel: mt,
        at: "/identity",
        message: `${t.name}: no publicKey in the spec and no ${t.identity}.pub to read it from`,
      };
  }
  if (text === undefined)
    return {
      tunnel: mt,
      at: "/name",
      message: `${t.name}: set publicKey (or identity, with its .pub beside it)`,
    };
  const m = KEY.exec(text.trim());
  if (m) return `${m[1]} ${m[2]}`;
  return t.publicKey !== undefined
    ? { tunnel: mt, at: "/publicKey", message: `${t.name}: publicKey is not a public key` }
    : { tunnel: mt, at: "/identity", message: `${t.name}: ${t.identity}.pub is not a public key` };
}

/** The text as is, or with --json inside the envelope under `field`. */
function printed(args: EndsArgs, field: string, text: string): Outcome {
  return outcome({ stdout: args.json ? envelope(true, [], { [field]: text }) : text });
}

/** The options that each print one relay file instead of authorized_keys: at most one. */
const FILE_OPTIONS = [
  ["sshdConfig", "--sshd-config"],
  ["sshdLimits", "--sshd-limits"],
  ["sysctl", "--sysctl"],
] as const;

/** --openssh: the relay's sshd version, for --sshd-limits only; checked before any spec is read. */
function opensshOf(args: EndsArgs): readonly [number, number] | undefined {
  if (args.openssh === undefined) return undefined;
  if (!args.sshdLimits)
    throw new UsageError("--openssh: only with --sshd-limits (the file it changes)");
  const v = opensshVersionArg(args.openssh);
  if (v === undefined)
    throw new UsageError(
      `--openssh ${JSON.stringify(args.openssh)}: not an OpenSSH version; give what \`sshd -V\` prints on the relay, or its number ("9.8")`,
    );
  return v;
}

export function runRelay(args: EndsArgs, { gatherer }: Edge = edgeOf()): Outcome {
  const files = FILE_OPTIONS.filter(([field]) => args[field]).map(([, option]) => option);
  if (files.length > 1)
    throw new UsageError(`${files.join(" and ")} print different files: give one`);
  const openssh = opensshOf(args);
  const { model, texts } = modelOf(args, gatherer, relayProblems);
  // Independent of the devices, but the specs are still checked: it belongs with --sshd-config.
  if (args.sysctl) return printed(args, "sysctl", relaySysctl());
  // The Match blocks need only the forwards, not the devices' keys.
  if (args.sshdConfig) return printed(args, "sshdConfig", perRelay(model, sshdConfig));
  // Sized by the devices the specs (or --only) name, not their keys.
  if (args.sshdLimits)
    return printed(
      args,
      "sshdLimits",
      perRelay(model, (m) => sshdLimits(m, openssh)),
    );
  const facts = gatherer.gather(model.tunnels.flatMap(pubQuery));
  const keys = new Map<string, string>();
  const problems: EndsProblem[] = [];
  for (const m of model.tunnels) {
    const key = publicKey(m, facts);
    if (typeof key === "string") keys.set(m.tunnel.name, key);
    else problems.push(key);
  }
  throwLocated("relay/public-key", [...problems, ...sharedKeys(model, keys)], texts);
  return printed(
    args,
    "authorizedKeys",
    perRelay(model, (m) => authorizedKeys(m, keys)),
  );
}

export function runSshConfig(args: EndsArgs, { gatherer }: Edge = edgeOf()): Outcome {
  // src/cli-args.ts refuses it before any command runs; this holds for every other caller.
  const user = args.relayUser === undefined ? undefined : loginNameProblem(args.relayUser);
  if (user !== undefined) throw new UsageError(`--relay-user: ${user}`);
  const { model } = modelOf(args, gatherer, sshConfigProblems);
  return printed(args, "sshConfig", sshConfig(model, args.relayUser));
}

const relayOption = text('only the tunnels to this relay of a fleet\'s "relays"');

export const relayCommand = defineCommand<EndsArgs>({
  command: "relay <specs..>",
  describe:
    "Print the relay's authorized_keys lines (or its sshd_config block) for the specs' devices",
  positionals: { specs: someOf("fleet or tunnel spec files") },
  options: {
    "sshd-config": flag("print a sshd_config.d Match User block instead"),
    "sshd-limits": flag(
      "print the relay's whole-sshd settings for the fleet (MaxStartups, LoginGraceTime)",
    ),
    openssh: text(
      "with --sshd-limits: the relay's OpenSSH version (what `sshd -V` prints there); 9.8 and later add PerSourcePenalties",
    ),
    sysctl: flag("print the relay's sysctl.d file (tcp_retries2: a dead device frees its port)"),
    only: onlyOption,
    relay: relayOption,
    json: jsonOption,
  },
  examples: [
    [
      "$0 relay fleet.json >> ~relay/.ssh/authorized_keys",
      "let each device open exactly its ports",
    ],
    [
      "$0 relay fleet.json --sshd-config > /etc/ssh/sshd_config.d/tunnelc.conf",
      "lock the relay account down",
    ],
    [
      "$0 relay fleet.json --sshd-limits > /etc/ssh/sshd_config.d/00-tunnelc-limits.conf",
      "let every device reconnect at once after a restart",
    ],
    [
      '$0 relay fleet.json --sshd-limits --openssh "$(ssh relay /usr/sbin/sshd -V 2>&1)"',
      "the same, for the relay's OpenSSH (9.8 and later: penalties that spare shared addresses)",
    ],
    [
      "$0 relay fleet.json --sysctl > /etc/sysctl.d/90-tunnelc-relay.conf",
      "free a vanished device's port within seconds (then: sysctl --system)",
    ],
  ],
  run: runRelay,
});

export const sshConfigCommand = defineCommand<EndsArgs>({
  command: "ssh-config <specs..>",
  describe: "Print ~/.ssh/config Host blocks that reach each device through the relay (ProxyJump)",
  positionals: { specs: someOf("fleet or tunnel spec files") },
  options: {
    only: onlyOption,
    relay: relayOption,
    json: jsonOption,
    "relay-user": text("your own account on the relay (default: the devices' relay account)"),
  },
  examples: [
    [
      "$0 ssh-config fleet.json --relay-user me > ~/.ssh/config.d/fleet",
      "then: Include config.d/* and ssh pi-kitchen",
    ],
  ],
  run: runSshConfig,
});
