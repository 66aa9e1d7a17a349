// User units stop at logout unless the user lingers (loginctl(1) enable-linger).
import { existsSync } from "node:fs";
import { userInfo } from "node:os";

export function lingerWarning(): string | undefined {
  const name = userInfo().username;
  if (existsSync(`/var/lib/systemd/linger/${name}`)) return undefined;
  return `lingering is off for ${name}: user units stop when you log out and do not start at boot; run "loginctl enable-linger ${name}" to keep the tunnels up`;
}
