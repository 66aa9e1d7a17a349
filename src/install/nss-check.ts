// DynamicUser= accounts exist only through nss-systemd: without "systemd" on the passwd line of
// /etc/nsswitch.conf, ssh cannot look its own uid up and exits ("No user exists for uid …"),
// as the e2e container showed with libnss-systemd removed from nsswitch.conf.
import { readFileSync } from "node:fs";
import type { Tunnel } from "../model/tunnel.ts";

export function nssWarning(tunnels: Tunnel[], nsswitch = "/etc/nsswitch.conf"): string | undefined {
  const dynamic = tunnels.filter((t) => t.scope === "system" && t.user === undefined);
  if (dynamic.length === 0 || hasNssSystemd(nsswitch)) return undefined;
  return `${dynamic.map((t) => t.name).join(", ")} run${dynamic.length === 1 ? "s" : ""} as a dynamic account (DynamicUser=), which needs nss-systemd: add "systemd" to the passwd and group lines of ${nsswitch} (Debian: apt install libnss-systemd), or set "user" in the spec`;
}

export function hasNssSystemd(nsswitch = "/etc/nsswitch.conf"): boolean {
  try {
    const passwd = readFileSync(nsswitch, "utf8")
      .split("\n")
      .find((l) => /^\s*passwd\s*:/.test(l));
    return passwd !== undefined && /\bsystemd\b/.test(passwd);
  } catch {
    return false;
  }
}
