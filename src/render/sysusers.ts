// compile --sysusers and --tmpfiles: the static accounts a spec's system tunnels run as, as a
// sysusers.d(5) file, and the home directories ssh reads (~/.ssh) as a tmpfiles.d(5) file, so a
// package creates them the standard way (systemd-sysusers, debhelper's dh_installsysusers,
// Fedora's %sysusers_create_compat, Arch's sysusers hook) before its units start. Pure.
import { createdAccount, isStrictUserName, readsHome } from "../model/accounts.ts";
import type { ModelTunnel } from "../model/tunnel.ts";
import { groupBy } from "../group-by.ts";

export interface Account {
  name: string;
  /** The home a new account gets when one of its units reads ~/.ssh; else none ("/"). */
  home?: string;
}

/** The accounts one spec's compiled tunnels need, and the file they are written to. */
export interface AccountFile {
  /** sysusers.d(5) and tmpfiles.d(5) read only *.conf; the same name in both directories. */
  fileName: string;
  specName: string;
  accounts: Account[];
}

/**
 * Where a new account's home is: below tunnelc's own /var/lib/tunnelc, never /var/lib/NAME. A
 * tmpfiles.d `d` line takes the owner and mode of a directory that already exists, at every boot
 * (tmpfiles.d(5)): an account named `private`, `systemd`, `dbus` or `dpkg` would be handed
 * /var/lib/private (every DynamicUser= unit's state), /var/lib/systemd or /var/lib/dpkg (whose
 * scripts run as root). Never below /home either, which the unit sees read-only
 * (ProtectHome=read-only) and admins treat as people's.
 */
export const HOMES = "/var/lib/tunnelc";
export const homeOf = (name: string): string => `${HOMES}/${name}`;

/**
 * The file named after its spec: tunnelc-BASE.conf, BASE the spec's base name without .json, in
 * characters safe in any file name (standard input, "-", is "stdin"). Two specs of the same base
 * name share one file.
 */
export function accountFileName(specName: string): string {
  const base = specName === "-" ? "stdin" : specName.replace(/\.json$/, "");
  return `tunnelc-${base.replace(/[^A-Za-z0-9._-]/g, "_")}.conf`;
}

/**
 * Per spec file, the accounts its tunnels run as that tunnelc does not leave to the system
 * (createdAccount): each once, sorted by name, with a home if any of its tunnels reads ~/.ssh.
 * Files sorted by name; a spec that names no such account has none.
 */
export function accountFiles(tunnels: readonly ModelTunnel[]): AccountFile[] {
  const needing = tunnels.filter((t) => createdAccount(t.tunnel) !== undefined);
  const byFile = groupBy(needing, (t) => accountFileName(t.specName));
  return [...byFile.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([fileName, ts]) => {
      const byName = groupBy(ts, (t) => createdAccount(t.tunnel)!);
      const accounts = [...byName.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, mine]): Account => {
          // The schema's localUser pattern already holds this; a name systemd-sysusers would
          // refuse must never reach a package, where it fails at install time instead.
          if (!isStrictUserName(name)) throw new Error(`not a valid account name: ${name}`);
          const home = mine.some((t) => readsHome(t.tunnel));
          return { name, ...(home && { home: homeOf(name) }) };
        });
      return { fileName, specName: ts[0]!.specName, accounts };
    });
}

/** The spec's name in a comment line: a control character (a newline) in a file name is "?". */
const shown = (specName: string) => specName.replace(/[\u0000-\u001f\u007f]/g, "?");

/**
 * One `u` line per account (sysusers.d(5)): no fixed UID ("-": the next free system UID, and a
 * group of the same name), a description without ':' (the GECOS field may not hold one), the
 * home or "-" (the root directory), and "-" for the shell, which systemd-sysusers makes the
 * distribution's nologin (/usr/sbin/nologin on Debian and Fedora): the man page asks to leave it
 * unset unless another shell is needed. An account that exists already is left as it is.
 */
export function renderSysusers(f: AccountFile): string {
  const lines = f.accounts.map((a) => `u ${a.name} - "SSH tunnel (tunnelc)" ${a.home ?? "-"} -`);
  return `# Written by tunnelc compile: the accounts the tunnels of ${shown(f.specName)} run as (sysusers.d(5)).\n${lines.join("\n")}\n`;
}

/**
 * systemd-sysusers writes the home into the user database only and never creates it
 * (sysusers.d(5), "Home Directory"): one `d` line for the home and one for ~/.ssh, each 0700 and
 * the account's (tmpfiles.d(5): created if missing, mode and owner adjusted if present; no age,
 * so never cleaned), below tunnelc's own directory. The admin puts the key or known_hosts in ~/.ssh. Empty when no account
 * needs a home.
 */
export function renderTmpfiles(f: AccountFile): string | undefined {
  const homes = f.accounts.filter((a) => a.home !== undefined);
  if (homes.length === 0) return undefined;
  const lines = [
    `d ${HOMES} 0755 root root -`,
    ...homes.flatMap((a) => [
      `d ${a.home!} 0700 ${a.name} ${a.name} -`,
      `d ${a.home!}/.ssh 0700 ${a.name} ${a.name} -`,
    ]),
  ];
  return `# Written by tunnelc compile: the homes whose ~/.ssh the tunnels of ${shown(f.specName)} read (tmpfiles.d(5)).\n${lines.join("\n")}\n`;
}
