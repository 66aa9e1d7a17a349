// What OpenSSH resolved for the original (`ssh -G`) → a v1 tunnel, with every change said out
// loud (changes.ts). Only keywords whose values differ from OpenSSH's own defaults (the same
// `ssh -G` for the bare host) were set by the original; each is read by the table in
// ssh-rules.ts. Pure.
import type { Diagnostic } from "../errors.ts";
import type { SchemaForward, SchemaTunnel } from "../specfile/generated/schema-types.ts";
import { checkSshOption } from "../model/ssh-options.ts";
import { located, type ImportChange, type Place } from "./changes.ts";
import { differingKeys, one, type SshDump } from "./ssh-dump.ts";
import { SSH_RULES, shown, spelling } from "./ssh-rules.ts";
import { readForward } from "./forward-lines.ts";

export interface SshSide {
  /** `ssh -G` of the original. */
  dump: SshDump;
  /** `ssh -G -F /dev/null HOST`: OpenSSH's defaults. */
  defaults: SshDump;
  /** Whether the original names the login (-l, user@, -o User, a config's User). */
  loginGiven: boolean;
  /** The keys the original logs in with (-i, or a config's IdentityFile), in order. */
  identities: { path: string; place: Place }[];
  /** Where a keyword came from (its config line, the -o or flag word, else the command line). */
  place(keyword: string): Place;
}

export interface Account {
  /** The local account to keep (the unit's User=, --user), when it was not root. */
  user?: string;
  /** The login name ssh used when none was given: the name of the account it ran as. */
  login?: string;
  /** Whose keys and known_hosts the original used ("root", "the account pi"). */
  describe: string;
  /** The original logged in with a password (sshpass), not with the account's keys. */
  password?: boolean;
  /** The home directory "~" meant for the original, when it is known (root's: /root). */
  home?: string;
}

export interface Built {
  tunnel: SchemaTunnel;
  changes: ImportChange[];
  diagnostics: Diagnostic[];
}

const DEFAULT_KEY_DIR = "/etc/tunnelc/keys";

export function specFromSsh(name: string, ssh: SshSide, account: Account): Built {
  const changes: ImportChange[] = [];
  const diagnostics: Diagnostic[] = [];
  const change = (c: Omit<ImportChange, "location">, place: Place) =>
    changes.push({ ...c, location: located(place) });
  const problem = (message: string, place: Place) =>
    diagnostics.push({
      severity: "error",
      code: "import/cannot-express",
      message,
      location: located(place),
    });
  const { dump } = ssh;
  const set = new Set(differingKeys(dump, ssh.defaults));

  const options: Record<string, string> = {};
  for (const key of set) {
    const rule = SSH_RULES[key];
    const value = shown(dump.get(key) ?? []);
    const what = `${spelling(key)} ${value}`;
    if (rule === undefined) {
      const checked = checkSshOption(key, value);
      if (checked.ok) options[checked.name] = checked.value;
      else if (key !== "host") problem(checked.message, ssh.place(key));
      continue;
    }
    if (rule.action === "drop")
      change(
        {
          kind: "dropped",
          what,
          reason: rule.reason,
          ...(rule.instead !== undefined && { instead: rule.instead }),
          keys: [key],
        },
        ssh.place(key),
      );
    if (rule.action === "refuse")
      problem(
        `${what}: ${rule.reason}${rule.instead !== undefined ? `; instead: ${rule.instead}` : ""}`,
        ssh.place(key),
      );
  }

  // The server, as ssh resolved it.
  const server: Record<string, unknown> = { host: one(dump, "hostname") ?? "" };
  const port = Number(one(dump, "port"));
  if (port !== 22) server["port"] = port;
  const login = one(dump, "user");
  if (ssh.loginGiven && login !== undefined) server["user"] = login;
  else if (account.login !== undefined) {
    server["user"] = account.login;
    // ssh -G ran as the account that imports; the original ran as this one.
    if (account.login !== login)
      change(
        {
          kind: "changed",
          what: `the login name (none given: ssh used the name of ${account.describe})`,
          reason: `the spec names it: server.user ${account.login}`,
          keys: ["user"],
        },
        ssh.place("user"),
      );
  } else
    problem(
      "the login name is not given, so ssh used the name of whichever account ran it; give it with -l or user@host (or --user, the account that ran it)",
      ssh.place("user"),
    );
  const jump = one(dump, "proxyjump");
  if (jump !== undefined && jump !== "none") server["jump"] = jump;

  const forwards = forwardsOf(ssh, set, problem, change);
  if (forwards.length === 0)
    problem(
      "no forward (-L, -R, -D or LocalForward, RemoteForward, DynamicForward): nothing to keep up",
      ssh.place("remoteforward"),
    );

  const tunnel: Record<string, unknown> = { name, server };
  if (account.user !== undefined) tunnel["user"] = account.user;
  const identity = identityOf(name, ssh, account, change, problem);
  if (identity !== undefined) tunnel["identity"] = identity;
  tunnel["forwards"] = forwards;

  const interval = Number(one(dump, "serveraliveinterval"));
  const countMax = Number(one(dump, "serveralivecountmax"));
  if (interval > 0) tunnel["keepAlive"] = { interval, countMax };
  // tunnelc compresses unless told not to (docs/spec.md compression).
  if (one(dump, "compression") !== "yes") tunnel["compression"] = false;
  if (Object.keys(options).length > 0) tunnel["ssh"] = { options };
  const policy = hostKeyPolicy(ssh, set, account, change);
  if (policy !== undefined) tunnel["hostKeyPolicy"] = policy;
  return { tunnel: tunnel as SchemaTunnel, changes, diagnostics };
}

function forwardsOf(
  ssh: SshSide,
  set: Set<string>,
  problem: (m: string, p: Place) => void,
  change: (c: Omit<ImportChange, "location">, p: Place) => void,
): SchemaForward[] {
  const out: SchemaForward[] = [];
  const gateway = set.has("gatewayports") && one(ssh.dump, "gatewayports") === "yes";
  const localSockets = new Set(
    (ssh.dump.get("localforward") ?? [])
      .map((v) => v.split(" ")[0])
      .filter((l) => l?.startsWith("/")),
  );
  let converted = 0;
  for (const kind of ["remote", "local", "dynamic"] as const) {
    const key = `${kind}forward`;
    for (const value of ssh.dump.get(key) ?? []) {
      // OpenSSH 9.2's ssh -G also lists each -L to a socket path under dynamicforward
      // (dump_cfg_forwards tells them apart by a target port of 0): not a forward of its own.
      if (kind === "dynamic" && localSockets.has(value)) continue;
      const read = readForward(kind, value);
      if (!read.ok) {
        problem(read.message, ssh.place(key));
        continue;
      }
      const f = read.forward;
      if (value.startsWith("[]:"))
        change(
          {
            kind: "changed",
            what: `${key} ${value}`,
            reason:
              'an empty bind address means every address (ssh(1) -L, -R); the spec says so as "*"',
            keys: [key],
          },
          ssh.place(key),
        );
      // GatewayPorts=yes: ssh binds -L and -D listeners without an address on every address
      // (ssh_config(5) GatewayPorts); the spec says so in the forward instead.
      if (gateway && kind !== "remote") {
        const bind = "local" in f ? f.local : "dynamic" in f ? f.dynamic : undefined;
        if (typeof bind === "number") {
          converted++;
          if ("local" in f) f.local = `*:${bind}`;
          if ("dynamic" in f) f.dynamic = `*:${bind}`;
          change(
            {
              kind: "changed",
              what: `GatewayPorts yes, ${kind === "local" ? "-L" : "-D"} ${bind}`,
              reason:
                "GatewayPorts opened this listener on every address; the forward now says so itself",
              keys: ["gatewayports"],
            },
            ssh.place("gatewayports"),
          );
        }
      }
      out.push(f);
    }
  }
  if (gateway && converted === 0)
    change(
      {
        kind: "dropped",
        what: "GatewayPorts yes",
        reason:
          "it opens -L and -D listeners without an address to the network (ssh_config(5)); this tunnel has none",
        keys: ["gatewayports"],
      },
      ssh.place("gatewayports"),
    );
  return out;
}

function identityOf(
  name: string,
  ssh: SshSide,
  account: Account,
  change: (c: Omit<ImportChange, "location">, p: Place) => void,
  problem: (m: string, p: Place) => void,
): string | undefined {
  const [first, ...rest] = ssh.identities;
  for (const other of rest)
    change(
      {
        kind: "dropped",
        what: `-i ${other.path}`,
        reason: "a tunnel logs in with one key; the first one given is kept",
        keys: ["identityfile"],
      },
      other.place,
    );
  if (first !== undefined) {
    // ssh expands ~ in a key's path with the home of the account it runs as (ssh(1) -i); the
    // spec names the file itself, since the tunnel's account is another.
    if (first.path.startsWith("~/") && account.home !== undefined) {
      const path = `${account.home}${first.path.slice(1)}`;
      change(
        {
          kind: "changed",
          what: `-i ${first.path}`,
          reason: `~ is the home of ${account.describe}: the spec names the key as ${path}`,
          keys: [],
        },
        first.place,
      );
      return path;
    }
    if (!first.path.startsWith("/")) {
      problem(
        first.path.startsWith("~")
          ? `the key ${first.path} is in the home of ${account.describe}, which import cannot know here: give its absolute path`
          : `the key ${first.path} is relative to the directory ssh ran in: give its absolute path`,
        first.place,
      );
      return undefined;
    }
    return first.path;
  }
  // The original logged in with the account's default keys (ssh(1) -i: ~/.ssh/id_*). A named
  // account keeps them; tunnelc's own dynamic account has none and gets a key of its own.
  if (account.user !== undefined && account.password !== true) return undefined;
  const key = `${DEFAULT_KEY_DIR}/${name}`;
  change(
    {
      kind: "changed",
      what:
        account.password === true
          ? "a login by password"
          : `the default keys of ${account.describe} (~/.ssh/id_*)`,
      reason:
        "tunnelc runs the tunnel as an account of its own, not as root; it logs in with a key of its own",
      instead: `tunnelc keygen ${name} and add its line to the server's authorized_keys, or copy the key the tunnel used to ${key}`,
      keys: ["identityfile", "identitiesonly"],
    },
    ssh.place("identityfile"),
  );
  return key;
}

function hostKeyPolicy(
  ssh: SshSide,
  set: Set<string>,
  account: Account,
  change: (c: Omit<ImportChange, "location">, p: Place) => void,
): "accept-new" | undefined {
  const strict = one(ssh.dump, "stricthostkeychecking");
  const files = one(ssh.dump, "userknownhostsfile") ?? "";
  const blind = strict === "false" || files === "/dev/null";
  if (set.has("userknownhostsfile"))
    change(
      {
        kind: blind ? "changed" : "dropped",
        what: `UserKnownHostsFile ${files}`,
        reason:
          files === "/dev/null"
            ? "it forgets every host key, so any server is believed, also one in the middle"
            : "tunnelc keeps the host keys a tunnel trusts itself",
        instead:
          "hostKeyPolicy accept-new (trust on first use), or pin the keys: tunnelc trust SPEC",
        keys: ["userknownhostsfile"],
      },
      ssh.place("userknownhostsfile"),
    );
  if (strict === "false")
    change(
      {
        kind: "changed",
        what: "StrictHostKeyChecking no",
        reason:
          "it accepts any host key, also a changed one (a server in the middle); accept-new accepts a key only the first time",
        instead: "hostKeyPolicy accept-new, then tunnelc trust SPEC to pin the key",
        keys: ["stricthostkeychecking"],
      },
      ssh.place("stricthostkeychecking"),
    );
  if (strict === "accept-new" || blind) return "accept-new";
  if (account.user === undefined)
    change(
      {
        kind: "changed",
        what: `the known hosts of ${account.describe} (~/.ssh/known_hosts)`,
        reason: "the tunnel's own account has its own known_hosts, empty at first",
        instead: "tunnelc trust SPEC to pin the server's keys before the first start",
        keys: [],
      },
      ssh.place("stricthostkeychecking"),
    );
  return undefined;
}
