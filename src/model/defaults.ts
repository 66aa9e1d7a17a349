// Defaults of every optional field, as data (docs/spec.md lists them). The schema's "default" keywords
// document the same values; a test checks that the two agree.

export const DEFAULTS = {
  serverPort: 22,
  keepAliveInterval: 60,
  keepAliveCountMax: 3,
  compression: true,
  restartPolicy: "on-failure",
  restartDelaySec: 10,
  hardening: "strict",
  scope: "system",
  sshPath: "/usr/bin/ssh",
  hostKeyPolicy: "yes",
  seedName: "ssh-phone-home",
  seedRemotePort: 22,
  seedBindPort: 2222,
  /** The seed's -R target: the local sshd. */
  seedTarget: "localhost:22",
} as const;
