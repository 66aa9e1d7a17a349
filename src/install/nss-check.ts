// DynamicUser= accounts exist only through nss-systemd: without "systemd" on the passwd line of
// /etc/nsswitch.conf, ssh cannot look its own uid up and exits ("No user exists for uid …"),
// as the e2e container showed with libnss-systemd removed from nsswitch.conf. Pure: the
// gatherer (src/edge/read.ts) reads the file.
import type { Tunnel } from "../model/tunnel.ts";
import type { Facts } from "../edge/query.ts";

const NSSWITCH = "/etc/nsswitch.conf";

export const nssQuery = (nsswitch = NSSWITCH) => ({ kind: "file", path: nsswitch }) as const;

export function nssWarning(
  tunnels: Tunnel[],
  facts: Facts,
  nsswitch = NSSWITCH,
): string | undefined {
  const dynamic = tunnels.filter((t) => t.scope === "system" && t.user === undefined);
  if (dynamic.length === 0 || hasNssSystemd(facts, nsswitch)) return undefined;
  return `${dynamic.map((t) => t.name).join(", ")} run${dynamic.length === 1 ? "s" : ""} as a dynamic account (DynamicUser=), which needs nss-systemd: add "systemd" to the passwd and group lines of ${nsswitch} (Debian: apt install libnss-systemd), or set "user" in the spec`;
}

export function hasNssSystemd(facts: Facts, nsswitch = NSSWITCH): boolean {
  const passwd = (facts.get(nssQuery(nsswitch)).text ?? "")
    .split("\n")
    .find((l) => /^\s*passwd\s*:/.test(l));
  return passwd !== undefined && /\bsystemd\b/.test(passwd);
}
