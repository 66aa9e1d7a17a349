// Version strings of the tools doctor checks and the relay's files depend on, and the minimums
// tunnelc's units rely on. Pure.

/** systemd 248: PrivateIPC= of the strict profile (ProtectProc=, ProcSubset= are 247). */
export const MIN_SYSTEMD = 248;
/** systemd 254: RestartSteps=, RestartMaxDelaySec= (restart.maxDelaySec). */
export const BACKOFF_SYSTEMD = 254;
/** OpenSSH 7.8: permitlisten= for the relay's authorized_keys, -R on unix sockets is 6.7. */
export const MIN_OPENSSH = [7, 8] as const;

export function systemdVersion(versionOutput: string): number | undefined {
  const m = /^systemd (\d+)/m.exec(versionOutput);
  return m ? Number(m[1]) : undefined;
}

export function opensshVersion(versionOutput: string): [number, number] | undefined {
  const m = /OpenSSH_(\d+)\.(\d+)/.exec(versionOutput);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * An OpenSSH version as a person gives it: what `sshd -V` or `ssh -V` prints
 * ("OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL …"), or the bare number ("9.8", "10.0p2").
 */
export function opensshVersionArg(text: string): [number, number] | undefined {
  if (/^\s*OpenSSH_\d+\.\d+/.test(text)) return opensshVersion(text);
  const m = /^\s*(\d+)\.(\d+)(?:p\d+)?\s*$/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function atLeast(v: readonly [number, number], min: readonly [number, number]): boolean {
  return v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1]);
}
