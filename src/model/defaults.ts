// Defaults of every optional field, as data. Those of spec fields are the schema's own "default"
// keywords (generated at build time: scripts/schema-types.mjs), so the two cannot differ; the
// rest are choices of the unit that no spec field sets. docs/spec.md lists them.
import { SCHEMA_DEFAULTS as S } from "../specfile/generated/schema-defaults.ts";

export const DEFAULTS = {
  serverPort: S["serverObject.port"],
  // 5 s × 3 (the schema's): a dead connection is noticed in about 20 s, so the tunnel reconnects
  // before the relay's stale session is the only thing left holding the port (docs/relay.md).
  keepAliveInterval: S["tunnel.keepAlive.interval"],
  keepAliveCountMax: S["tunnel.keepAlive.countMax"],
  /** ConnectTimeout: a relay that does not answer fails the start within seconds. */
  connectTimeoutSec: 10,
  /** TimeoutStartSec=: bounds the start (connect, authentication, forward confirmation). */
  startTimeoutSec: S["tunnel.startTimeoutSec"],
  compression: S["tunnel.compression"],
  restartPolicy: S["tunnel.restart.policy"],
  restartDelaySec: S["tunnel.restart.delaySec"],
  restartSpreadSec: S["tunnel.restart.spreadSec"],
  restartSteps: S["tunnel.restart.steps"],
  hardening: S["tunnel.hardening"],
  scope: S["tunnel.scope"],
  sshPath: S["tunnel.ssh.path"],
  /** Not a schema default: with server.hostKeys the policy is "pinned" (normalize.ts). */
  hostKeyPolicy: "yes",
  seedEnable: S["seed.enable"],
  seedName: "ssh-phone-home",
  seedRemotePort: S["seed.remotePort"],
  seedBindPort: S["seed.bindPort"],
  jumpPort: S["jumpHost.port"],
  /** The seed form keeps the NixOS module's own keep-alive and restart delay, and no ConnectTimeout. */
  seedKeepAliveInterval: 60,
  seedRestartDelaySec: 10,
  /** The seed form's RestartSec= stays the module's 10 s, byte for byte. */
  seedRestartSpreadSec: 0,
  /** The seed's -R target: the local sshd. */
  seedTarget: "localhost:22",
} as const;
