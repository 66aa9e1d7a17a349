// User units stop at logout unless the user lingers (loginctl(1) enable-linger): logind keeps
// a file per lingering user. Pure: the gatherer (src/edge/read.ts) answers the query.
import { userInfo } from "node:os";
import type { Facts } from "../edge/query.ts";

export const lingerQuery = (name = userInfo().username) =>
  ({ kind: "exists", path: `/var/lib/systemd/linger/${name}` }) as const;

export function lingerWarning(facts: Facts, name = userInfo().username): string | undefined {
  if (facts.get(lingerQuery(name))) return undefined;
  return `lingering is off for ${name}: user units stop when you log out and do not start at boot; run "loginctl enable-linger ${name}" to keep the tunnels up`;
}
