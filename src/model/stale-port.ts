// ssh's "remote port forwarding failed for listen port N" (ssh.c, with ExitOnForwardFailure) after
// a reconnect usually means the relay still holds N for the device's dead session: sshd keeps it
// until its ClientAlive probes or TCP give up (docs/relay.md "A dead device's port"). Pure.
//
// One entry, read in two places: `tunnelc status` and `install --now` (below), and the unit's
// ExecStopPost=, which writes the same hint into the journal (src/render/log-replay.ts).
export const STALE_PORT = {
  /** What ssh says, followed by the port's digits. */
  sshSays: "remote port forwarding failed for listen port ",
  /** What tunnelc says, with "{port}" for the port. */
  hint:
    `the relay refused port {port}: it most likely still holds it for a dead session of this ` +
    `device (else another client holds it, or the relay's authorized_keys does not permit it: ` +
    `permitlisten). On the relay, install "tunnelc relay SPEC --sshd-config" ` +
    `and "tunnelc relay SPEC --sysctl" (or set ClientAliveInterval 5, ClientAliveCountMax 3 in ` +
    `sshd_config and net.ipv4.tcp_retries2 = 5 in sysctl.d); the port then frees itself within ` +
    `about 20 s (docs/relay.md)`,
  /** The journal's hint line starts with this, so a reader can tell it from ssh's own lines. */
  journalPrefix: "tunnelc: ",
} as const;

const REFUSED = new RegExp(`${STALE_PORT.sshSays}(\\d+)`);

/** The relay port a log line says was refused, if it says so. */
export function refusedRelayPort(line: string | undefined): number | undefined {
  const m = line === undefined ? null : REFUSED.exec(line);
  return m ? Number(m[1]) : undefined;
}

/** What to tell the user about a refused relay port: the cause and the relay's fix. */
export function staleRelayPortHint(port: number): string {
  return STALE_PORT.hint.replace("{port}", String(port));
}

/** The journal line the unit's ExecStopPost= adds after ssh's refusal (not one of ssh's lines). */
export function isJournalHint(line: string): boolean {
  return line.startsWith(JOURNAL_HINT_START);
}
const JOURNAL_HINT_START =
  STALE_PORT.journalPrefix + STALE_PORT.hint.slice(0, STALE_PORT.hint.indexOf("{port}"));
