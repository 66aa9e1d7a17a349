// RestartSec=: the spec's delay plus this tunnel's own share of the spread. Devices whose
// connections dropped at the same moment (a relay restarted, a carrier's outage ended) would
// otherwise all retry after the same delay, in the same second, and a relay's sshd drops what
// exceeds its MaxStartups (sshd_config(5)). The share is a fixed fraction of the spread taken
// from the tunnel's hash: the same spec gives the same unit on every machine, while the devices
// of a fleet (each with its own relay ports, so its own hash) spread over the whole interval.
// systemd reads a fractional time span in seconds (systemd.time(7)), here to a tenth.

/** Tenths of a second of `spreadSec` for the tunnel with this header hash ("sha256:HEX…"). */
export function spreadShare(hash: string, spreadSec: number): number {
  const slots = spreadSec * 10;
  if (slots === 0) return 0;
  // 32 bits of the digest, uniform enough over a few thousand slots.
  return Number.parseInt(hash.slice("sha256:".length, "sha256:".length + 8), 16) % slots;
}

/** RestartSec='s value: whole seconds, or seconds and a tenth ("6.4"). */
export function restartDelay(delaySec: number, spreadSec: number, hash: string): string {
  const tenths = delaySec * 10 + spreadShare(hash, spreadSec);
  return tenths % 10 === 0 ? String(tenths / 10) : `${Math.floor(tenths / 10)}.${tenths % 10}`;
}
