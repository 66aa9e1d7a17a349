// What a value may hold before tunnelc writes it into a file OpenSSH reads: sshd_config and
// authorized_keys on the relay, ssh_config on the laptop. Pure, one regular expression each, so
// a check costs nothing per tunnel. Each set is narrower than the file's grammar on purpose: a
// value that passes is one bare token in every one of those files, with nothing to quote.
//
// - sshd_config(5) and ssh_config(5): a line is split into words at white space, `"` quotes, `#`
//   starts a comment, and a newline ends the line (so one in a value would start a new keyword
//   line: `ProxyCommand`, `LocalCommand`, `ForceCommand`). `Match User` and `Host` take pattern
//   lists (ssh_config(5) PATTERNS): `*`, `?`, `!` and `,` are pattern syntax there.
// - sshd(8) AUTHORIZED_KEYS FILE FORMAT: an option's value is inside `"…"`; a `"` ends it and a
//   comma or a blank after it starts the next option or the key.
// - ssh_config(5) ProxyJump is `[user@]host[:port]`; OpenSSH 9.2 hands the jump to a shell as a
//   ProxyCommand (`ssh -W … -l USER HOST`), so `$`, backquotes, `;`, `|`, `&`, quotes and
//   blanks in the user or host run commands on the laptop. `%` is a TOKENS escape in many
//   ssh_config keywords.

/**
 * A login name on an SSH server: letters, digits, `_`, `.`, `-` and `@`, not starting with `-`
 * (the schema's remoteUser; `@` because ProxyJump splits user from host at the last `@`).
 */
export const LOGIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$/;

/** A host name, an IPv4 address, or an IPv6 address bare or in brackets (the schema's host). */
export const HOST_NAME =
  /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*|\[[0-9A-Fa-f:.]+\])$/;

/** A TCP port: 1–65535 in digits, no sign, no leading zero. */
export const PORT =
  /^(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$/;

/** A "host:port" of PermitListen/PermitOpen and permitlisten/permitopen (`*` only as a listen host). */
export function isHostPort(spec: string, listen: boolean): boolean {
  const at = spec.lastIndexOf(":");
  if (at < 1) return false;
  const host = spec.slice(0, at);
  return (HOST_NAME.test(host) || (listen && host === "*")) && PORT.test(spec.slice(at + 1));
}

/** Why `value` may not be the account name of a `Match User` line or a ProxyJump user; or undefined. */
export function loginNameProblem(value: string): string | undefined {
  return LOGIN_NAME.test(value)
    ? undefined
    : `${JSON.stringify(value)} is not an account name OpenSSH's files can hold: letters, digits, '_', '.', '-' and '@', not starting with '-', at most 64 characters`;
}

/** Why `value` may not be a host in ProxyJump or HostName; or undefined. */
export function hostNameProblem(value: string): string | undefined {
  return HOST_NAME.test(value) && value.length <= 253
    ? undefined
    : `${JSON.stringify(value)} is not a host name or address`;
}
