// How many tunnel units one host can start at once. Measured in a booted container (systemd 252,
// Linux 6.18, 2 cores; docs/reliability.md "Many tunnels on one host"): each start's sandbox
// set-up reads /proc/self/mountinfo under a kernel lock every other start is mounting under, so
// one systemd sets them up one after the other: 200 units started together were all up in 18 s,
// 300 in 30 s, the length of their start timeout (TimeoutStartSec=30), past which a start is
// killed and retried. Units that keep systemd's credentials (a static account's system unit:
// model/accounts.ts usesCredentials) add a mount per running unit: 100 of them took 15.5 s, 150
// took 78–91 s with starts killed, 200 never came up.

/** Above this many tunnel units on one host, install and the generator warn. */
export const MANY_UNITS = 200;
/** Above this many units with credentials among them, the same warning, sooner. */
export const MANY_CREDENTIAL_UNITS = 100;

/**
 * The warning for a host that would run `count` tunnel units, `credentials` of them with
 * credentials; or undefined.
 */
export function manyUnitsWarning(count: number, credentials: number): string | undefined {
  if (credentials > MANY_CREDENTIAL_UNITS)
    return `${count} tunnel units on one host, ${credentials} of them with a static account ("user"), whose key goes to the unit as systemd's credentials: each running one adds a mount that every other start rereads, and on a 2-core machine 150 such units took 78–91 s to start, their starts killed and retried, and 200 never came up (docs/reliability.md "Many tunnels on one host"); leave "user" out (a dynamic account does not need credentials), install each device's tunnels on that device (install --only NAME), or keep one host at ${MANY_CREDENTIAL_UNITS} or fewer such units`;
  if (count <= MANY_UNITS) return undefined;
  return `${count} tunnel units on one host: they start together (at boot, and again after the network returns), one systemd sets up their sandboxes one after the other, and on a 2-core machine 300 took 30 s, as long as their start timeout, past which starts are killed and retried (docs/reliability.md "Many tunnels on one host"); install each device's tunnels on that device (install --only NAME), or keep one host at ${MANY_UNITS} or fewer`;
}
