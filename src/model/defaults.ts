// Defaults of every optional field, as data (docs/spec.md lists them). The schema's "default" keywords
// document the same values; a test checks that the two agree.

export const DEFAULTS = {
  serverPort: 22,
  // 5 s × 3: a dead connection is noticed in about 20 s, so the tunnel reconnects before the
  // relay's stale session is the only thing left holding the port (docs/relay.md).
  keepAliveInterval: 5,
  keepAliveCountMax: 3,
  /** ConnectTimeout: a relay that does not answer fails the start within seconds. */
  connectTimeoutSec: 10,
  /** TimeoutStartSec=: bounds the start (connect, authentication, forward confirmation). */
  startTimeoutSec: 30,
  compression: true,
  restartPolicy: "on-failure",
  restartDelaySec: 5,
  hardening: "strict",
  scope: "system",
  sshPath: "/usr/bin/ssh",
  hostKeyPolicy: "yes",
  seedName: "ssh-phone-home",
  seedRemotePort: 22,
  seedBindPort: 2222,
  /** The seed form keeps the NixOS module's own keep-alive and restart delay, and no ConnectTimeout. */
  seedKeepAliveInterval: 60,
  seedRestartDelaySec: 10,
  /** The seed's -R target: the local sshd. */
  seedTarget: "localhost:22",
} as const;
