// tunnelc relay SPEC... [--sshd-config | --sysctl] [--only NAME] and tunnelc ssh-config SPEC... [--only NAME]:
// the other two ends of the tunnels, from the same specs.
import { readFileSync } from "node:fs";
import type { CommandModule } from "yargs";
import { compileSpecs } from "../render/pipeline.ts";
import { loadSpec } from "../specfile/read.ts";
import { authorizedKeys, relaySysctl, sharedKeys, sshdConfig, type Device } from "../ends/relay.ts";
import { sshConfig } from "../ends/ssh-config.ts";
import { ExitCode, SpecError, UsageError } from "../errors.ts";
import { outcome, type Outcome } from "./outcome.ts";
import { onlyOption, onlyUnits } from "./only.ts";
import type { CompiledUnit } from "../render/render-tunnel.ts";

export interface EndsArgs {
  specs: string[];
  only?: string;
  sshdConfig?: boolean;
  sysctl?: boolean;
  relayUser?: string;
}

function units(args: EndsArgs): CompiledUnit[] {
  const result = compileSpecs(args.specs.map(loadSpec));
  if (!result.ok) throw new SpecError(result.diagnostics);
  return onlyUnits(result.units, args.only);
}

const KEY = /^(\S+) ([A-Za-z0-9+/]+={0,2})(?:\s|$)/;

/** The device's public key: the spec's publicKey, or the identity's .pub file. */
function publicKey(u: CompiledUnit): string | { problem: string } {
  const t = u.source.tunnel;
  let text = t.publicKey;
  if (text === undefined && t.identity !== undefined) {
    try {
      text = readFileSync(`${t.identity}.pub`, "utf8");
    } catch {
      return {
        problem: `${t.name}: no publicKey in the spec and no ${t.identity}.pub to read it from`,
      };
    }
  }
  if (text === undefined)
    return { problem: `${t.name}: set publicKey (or identity, with its .pub beside it)` };
  const m = KEY.exec(text.trim());
  return m ? `${m[1]} ${m[2]}` : { problem: `${t.name}: ${t.identity}.pub is not a public key` };
}

export function runRelay(args: EndsArgs): Outcome {
  if (args.sysctl && args.sshdConfig)
    throw new UsageError("--sysctl and --sshd-config print different files: give one");
  const us = units(args);
  // Independent of the devices, but the specs are still checked: it belongs with --sshd-config.
  if (args.sysctl) return outcome({ stdout: relaySysctl() });
  // The Match blocks need only the forwards, not the devices' keys.
  if (args.sshdConfig)
    return outcome({ stdout: sshdConfig(us.map((u) => ({ tunnel: u.source.tunnel }))) });
  const devices: Device[] = [];
  const problems: string[] = [];
  for (const u of us) {
    const key = publicKey(u);
    if (typeof key === "string")
      devices.push({ tunnel: u.source.tunnel, publicKey: key, specName: u.source.specName });
    else problems.push(key.problem);
  }
  problems.push(...sharedKeys(devices));
  if (problems.length > 0) return outcome({ exitCode: ExitCode.spec, notes: problems });
  return outcome({ stdout: authorizedKeys(devices) });
}

export function runSshConfig(args: EndsArgs): Outcome {
  const tunnels = units(args).map((u) => ({
    tunnel: u.source.tunnel,
    specName: u.source.specName,
  }));
  return outcome({ stdout: sshConfig(tunnels, args.relayUser) });
}

export const relayCommand = (run: (o: Outcome) => void): CommandModule<object, EndsArgs> => ({
  command: "relay <specs..>",
  describe:
    "Print the relay's authorized_keys lines (or its sshd_config block) for the specs' devices",
  builder: (y) =>
    y
      .positional("specs", {
        type: "string",
        array: true,
        demandOption: true,
        describe: "fleet or tunnel spec files",
      })
      .option("sshd-config", {
        type: "boolean",
        default: false,
        describe: "print a sshd_config.d Match User block instead",
      })
      .option("sysctl", {
        type: "boolean",
        default: false,
        describe: "print the relay's sysctl.d file (tcp_retries2: a dead device frees its port)",
      })
      .option("only", onlyOption)
      .example(
        "$0 relay fleet.json >> ~relay/.ssh/authorized_keys",
        "let each device open exactly its ports",
      )
      .example(
        "$0 relay fleet.json --sshd-config > /etc/ssh/sshd_config.d/tunnelc.conf",
        "lock the relay account down",
      )
      .example(
        "$0 relay fleet.json --sysctl > /etc/sysctl.d/90-tunnelc-relay.conf",
        "free a vanished device's port within seconds (then: sysctl --system)",
      ) as never,
  handler: (args) => run(runRelay(args)),
});

export const sshConfigCommand = (run: (o: Outcome) => void): CommandModule<object, EndsArgs> => ({
  command: "ssh-config <specs..>",
  describe: "Print ~/.ssh/config Host blocks that reach each device through the relay (ProxyJump)",
  builder: (y) =>
    y
      .positional("specs", {
        type: "string",
        array: true,
        demandOption: true,
        describe: "fleet or tunnel spec files",
      })
      .option("only", onlyOption)
      .option("relay-user", {
        type: "string",
        describe: "your own account on the relay (default: the devices' relay account)",
      })
      .example(
        "$0 ssh-config fleet.json --relay-user me > ~/.ssh/config.d/fleet",
        "then: Include config.d/* and ssh pi-kitchen",
      ) as never,
  handler: (args) => run(runSshConfig(args)),
});
