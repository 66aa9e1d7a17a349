// Which account a tunnel logs in as on its server. ssh(1) -l: without it, ssh logs in as the
// local account's own name; a dynamic account (DynamicUser=, systemd.exec(5)) has always been
// named after the tunnel, so a tunnel without server.user logs in as its name. The relay's files
// (src/ends/relay.ts) and the unit's ssh command line must agree on it: computed here only.
import type { Tunnel } from "./tunnel.ts";

/** The account name the tunnel's ssh presents to its server. */
export function relayLogin(t: Pick<Tunnel, "name" | "user" | "server">): string {
  return t.server.user ?? t.user ?? t.name;
}
