// Which accounts a tunnel uses: the local one its unit runs as, and the one it logs in as on its
// server. Computed here only: the unit's User= and ssh command line (src/render/) and the relay's
// files (src/ends/relay.ts) must agree on them.
import { sha256Hex } from "../sha256.ts";
import { deviceName, type Tunnel } from "./tunnel.ts";

/**
 * The account name the tunnel's ssh presents to its server. ssh(1) -l: without it, ssh logs in
 * as the local account's own name; a dynamic account (DynamicUser=, systemd.exec(5)) was named
 * after the tunnel until the unit named it itself (serviceAccount), so a tunnel without
 * server.user logs in as its name, and the unit says so with -l.
 */
export function relayLogin(t: Pick<Tunnel, "name" | "via" | "user" | "server">): string {
  // A device of several relays logs in to each under the one name (its device's).
  return t.server.user ?? t.user ?? deviceName(t);
}

/** tunnelc's own namespace for the dynamic accounts of its units. */
export const DYNAMIC_PREFIX = "tunnelc-";

/**
 * The user name rules systemd applies to DynamicUser='s User= (systemd.exec(5) "User/Group Name
 * Syntax", the strict form; src/basic/user-util.c valid_user_group_name without relaxing
 * flags): a letter or "_", then letters, digits, "_" or "-", at most 31 characters (UT_NAMESIZE
 * less its terminating NUL).
 */
const STRICT_USER = /^[A-Za-z_][A-Za-z0-9_-]{0,30}$/;

/**
 * The local account a system tunnel's unit runs as: the spec's static "user", else a dynamic
 * account in tunnelc's namespace. Never the tunnel's bare name: with DynamicUser=yes and no
 * User=, systemd takes the unit's name as the account and reuses a static account of that name as
 * it is (systemd.exec(5) DynamicUser=), so a tunnel named root would run as UID 0 and one named
 * nobody as 65534. "tunnelc-" and the name when that is a valid name; otherwise (a name with "."
 * or too long) a deterministic one, the name's leading valid characters and a hash of the whole
 * name, so two tunnels never share an account. Undefined for a user unit, which runs as the user
 * whose manager runs it.
 */
export function serviceAccount(t: Pick<Tunnel, "name" | "user" | "scope">): string | undefined {
  if (t.scope === "user") return undefined;
  if (t.user !== undefined) return t.user;
  const plain = `${DYNAMIC_PREFIX}${t.name}`;
  if (STRICT_USER.test(plain)) return plain;
  const head = t.name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 14);
  return `${DYNAMIC_PREFIX}${head}-${sha256Hex(t.name).slice(0, 8)}`;
}

/**
 * The name ssh(1) must be given with -l, or undefined when its default, the local account's own
 * name, is already the login: server.user as written, or the login a dynamic tunnel has always
 * had (relayLogin) now that its local account is no longer named after it.
 */
export function explicitLogin(
  t: Pick<Tunnel, "name" | "user" | "scope" | "server">,
): string | undefined {
  if (t.server.user !== undefined) return t.server.user;
  const local = serviceAccount(t);
  const login = relayLogin(t);
  return local !== undefined && local !== login ? login : undefined;
}

/**
 * Whether the unit hands the key and ssh's files over as systemd's credentials rather than in
 * its runtime directory (render/handover.ts): a system unit with a static account, which a
 * process of that account could race root in a directory it owns. Each running one adds a
 * mount every other unit's start rereads (model/host-load.ts).
 */
export function usesCredentials(t: Pick<Tunnel, "user" | "scope">): boolean {
  return t.user !== undefined && t.scope === "system";
}

/** A name systemd takes as a user or group name in its strict form (STRICT_USER above). */
export const isStrictUserName = (name: string): boolean => STRICT_USER.test(name);

/**
 * Whether the unit reads the account's own ~/.ssh: a static account whose key is ssh's default
 * (no identity handed over) or whose server's keys are not pinned (its known_hosts). The same
 * rule the unit's ProtectHome=read-only follows (src/render/build-unit.ts); a test holds
 * the two together.
 */
export function readsHome(t: Pick<Tunnel, "user" | "identity" | "hostKeyPolicy">): boolean {
  return t.user !== undefined && (t.identity === undefined || t.hostKeyPolicy !== "pinned");
}

/**
 * The account a package must create for the tunnel (sysusers.d(5)), if any: a system unit's
 * static User=. Not root, which every system has; not a dynamic account, which systemd makes at
 * each start (DynamicUser=, systemd.exec(5)); not a user unit's, which runs as the user whose
 * manager runs it.
 */
export function createdAccount(t: Pick<Tunnel, "user" | "scope">): string | undefined {
  if (t.scope !== "system" || t.user === undefined || t.user === "root") return undefined;
  return t.user;
}
