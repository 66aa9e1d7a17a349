// The tunnel's ssh options, decided once: an ordered table of option and value, rendered twice.
// The command line gets them as -o words (ssh-argv.ts). With jump hosts they also go into a
// config file handed over in the run's directory (handover.ts): ssh starts each jump as a separate `ssh -W` that inherits
// none of the command line's -o options, but it does pass -F on (ssh(1) -J).
import { specifier, type Part, type Word } from "../unit/command-line.ts";
import type { Tunnel } from "../model/tunnel.ts";
import { HANDOVER, handedDirWord, handedDirVariable, stateDirectory } from "./handover.ts";

/** A directory systemd gives the service; each rendering names it its own way. */
export type Dir = "handed" | "state";

export interface SshSetting {
  option: string;
  value: (string | { dir: Dir })[];
  /** Consecutive settings of one group share a rendered ExecStart= line (readability only). */
  group: string;
  /** On the command line only: a jump connection (ssh -W) has no forwards to fail. */
  commandLineOnly?: true;
}

const HANDED = { dir: "handed" } as const;
const STATE = { dir: "state" } as const;

const setting = (group: string, option: string, ...value: SshSetting["value"]): SshSetting => ({
  option,
  value,
  group,
});

export function sshSettings(t: Tunnel): SshSetting[] {
  const out = [
    setting("keep-alive", "ServerAliveInterval", String(t.keepAlive.interval)),
    setting("keep-alive", "ServerAliveCountMax", String(t.keepAlive.countMax)),
    ...(t.connectTimeoutSec !== undefined
      ? [setting("keep-alive", "ConnectTimeout", String(t.connectTimeoutSec))]
      : []),
    // A tunnel whose forward failed must die and be restarted, not linger half-up; with -f it
    // also makes ssh fork only once every -R is confirmed (ssh(1) -f), which is the readiness
    // Type=forking waits for.
    { ...setting("service", "ExitOnForwardFailure", "yes"), commandLineOnly: true as const },
    // A service can never answer a prompt.
    setting("service", "BatchMode", "yes"),
    setting(
      "strict",
      "StrictHostKeyChecking",
      t.hostKeyPolicy === "accept-new" ? "accept-new" : "yes",
    ),
  ];
  if (t.hostKeyPolicy === "pinned") {
    out.push(
      // Only the pinned keys: no other file may vouch for the server.
      setting("known-hosts", "UserKnownHostsFile", HANDED, `/${HANDOVER.knownHosts}`),
      setting("known-hosts", "GlobalKnownHostsFile", "/dev/null"),
      // The pinned keys are the unit's, copied afresh at each start: ssh must not rewrite them.
      setting("known-hosts", "UpdateHostKeys", "no"),
    );
  }
  if (t.hostKeyPolicy === "accept-new") {
    // Keys learnt on first use go to the state directory; an account's own file is read too
    // (ssh_config(5): UserKnownHostsFile takes several files, space-separated).
    const own = t.user !== undefined || t.scope === "user" ? " ~/.ssh/known_hosts" : "";
    out.push(setting("known-hosts", "UserKnownHostsFile", STATE, `/known_hosts${own}`));
  }
  if (t.identity !== undefined) {
    out.push(
      setting("identity", "IdentityFile", HANDED, `/${HANDOVER.identity}`),
      setting("identity", "IdentitiesOnly", "yes"),
    );
  }
  for (const [name, value] of t.ssh.options) out.push(setting(`option ${name}`, name, value));
  return out;
}

/** Options the command line spells as a flag of their own (ssh(1): -i is IdentityFile). */
const FLAGS: Readonly<Record<string, string>> = { IdentityFile: "-i" };

/** The settings as argv words, one group of words per rendered line. */
export function settingWords(t: Tunnel): Word[][] {
  // Where the files are handed over (handover.ts: %t/DIR or %d), %S the root of state directories
  // (systemd.unit(5) "Specifiers").
  const groups: Word[][] = [];
  let group: string | undefined;
  // Index loops and no intermediate lists: this runs for every tunnel on every generator run,
  // mostly as cold code, where each for-of step and each array costs an allocation.
  const settings = sshSettings(t);
  for (let i = 0; i < settings.length; i++) {
    const s = settings[i]!;
    const flag = FLAGS[s.option];
    const value: Part[] = [];
    let text = flag !== undefined ? "" : `${s.option}=`;
    for (let j = 0; j < s.value.length; j++) {
      const p = s.value[j]!;
      if (typeof p === "string") text += p;
      else {
        // Adjacent text parts as one, so a word reads as it is written.
        if (text !== "") value.push(text);
        text = "";
        if (p.dir === "handed") {
          const [root, rest] = handedDirWord(t);
          value.push(root);
          text = rest;
        } else {
          value.push(specifier("S"));
          text = `/${stateDirectory(t)}`;
        }
      }
    }
    if (text !== "") value.push(text);
    if (group === s.group) groups[groups.length - 1]!.push([flag ?? "-o"], value);
    else groups.push([[flag ?? "-o"], value]);
    group = s.group;
  }
  return groups;
}

/** The two settings that make a jump connection fail closed lead the config file. */
const CONFIG_FIRST = ["BatchMode", "StrictHostKeyChecking"];
const configRank = (s: SshSetting) => {
  const i = CONFIG_FIRST.indexOf(s.option);
  return i < 0 ? CONFIG_FIRST.length : i;
};

/**
 * The settings as ssh_config(5) lines for every host. Paths use the environment systemd sets
 * ($RUNTIME_DIRECTORY or $CREDENTIALS_DIRECTORY, $STATE_DIRECTORY; ssh_config(5) expands ${VAR}
 * in these options).
 */
export function sshConfigLines(t: Tunnel): string[] {
  const dir = (d: Dir) => (d === "handed" ? handedDirVariable(t) : "${STATE_DIRECTORY}");
  const settings = sshSettings(t)
    .filter((s) => s.commandLineOnly !== true)
    .sort((a, b) => configRank(a) - configRank(b));
  return [
    "Host *",
    ...settings.map(
      (s) => `${s.option} ${s.value.map((p) => (typeof p === "string" ? p : dir(p.dir))).join("")}`,
    ),
  ];
}
