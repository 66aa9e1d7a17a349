// How many tunnel units one host can start at once. Measured in a booted container (systemd 252,
// Linux 6.18, 2 cores; docs/reliability.md "Many tunnels on one host"): 100 units started
// together were all up in 16 s, 200 never: each start's mount-namespace setup reads
// /proc/self/mountinfo under a kernel lock every other start is mounting under, each running
// tunnel adds its credentials mount, and past TimeoutStartSec=30 the starts are killed and
// restarted together.

/** Above this many tunnel units on one host, install and the generator warn. */
export const MANY_UNITS = 100;

/** The warning for a host that would run `count` tunnel units, or undefined. */
export function manyUnitsWarning(count: number): string | undefined {
  if (count <= MANY_UNITS) return undefined;
  return `${count} tunnel units on one host: they start together (at boot, and again after the network returns), each start's sandbox setup slows all the others, and on a 2-core machine 200 never all came up within their 30 s start timeout (docs/reliability.md "Many tunnels on one host"); install each device's tunnels on that device (install --only NAME), or keep one host at ${MANY_UNITS} or fewer`;
}
