// The algorithm names OpenSSH knows and has not turned off, by list: a name outside them makes
// ssh refuse its whole configuration at every start ("Bad SSH2 cipher spec"), which for a tunnel
// is a tunnel that never comes up. Names are case-sensitive, as ssh compares them (match.c).
// Sources, openssh-portable: cipher.c ciphers[], mac.c macs[], kex.h KEX_* names, the key types
// of ssh-ed25519.c, ssh-ecdsa.c, ssh-ecdsa-sk.c, ssh-ed25519-sk.c, ssh-rsa.c, ssh-mldsa44-ed25519.c,
// as `ssh -Q cipher|mac|kex|key-sig` lists them (master at 0ef0f5a83, and 9.2's own `ssh -Q`).
// Those marked "newer" are not in OpenSSH 9.2, with the first release tag that has them
// (`git tag --contains`): an older ssh on the device refuses them at start, as any name it lacks.
import type { AlgorithmFamily } from "./weak-algorithms.ts";

export const KNOWN_ALGORITHMS: Readonly<Record<AlgorithmFamily, ReadonlySet<string>>> = {
  cipher: new Set([
    "chacha20-poly1305@openssh.com",
    "aes128-gcm@openssh.com",
    "aes256-gcm@openssh.com",
    "aes128-ctr",
    "aes192-ctr",
    "aes256-ctr",
  ]),
  mac: new Set([
    "umac-64-etm@openssh.com",
    "umac-128-etm@openssh.com",
    "hmac-sha2-256-etm@openssh.com",
    "hmac-sha2-512-etm@openssh.com",
    "hmac-sha1-etm@openssh.com",
    "umac-64@openssh.com",
    "umac-128@openssh.com",
    "hmac-sha2-256",
    "hmac-sha2-512",
    "hmac-sha1",
  ]),
  kex: new Set([
    "mlkem768x25519-sha256", // newer: OpenSSH 9.9
    "mlkem768nistp256-sha256", // newer: 10.5
    "sntrup761x25519-sha512",
    "sntrup761x25519-sha512@openssh.com",
    "curve25519-sha256",
    "curve25519-sha256@libssh.org",
    "ecdh-sha2-nistp256",
    "ecdh-sha2-nistp384",
    "ecdh-sha2-nistp521",
    "diffie-hellman-group-exchange-sha256",
    "diffie-hellman-group16-sha512",
    "diffie-hellman-group18-sha512",
    "diffie-hellman-group14-sha256",
  ]),
  key: new Set([
    "ssh-ed25519",
    "ssh-ed25519-cert-v01@openssh.com",
    "sk-ssh-ed25519@openssh.com",
    "sk-ssh-ed25519-cert-v01@openssh.com",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp256-cert-v01@openssh.com",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp384-cert-v01@openssh.com",
    "ecdsa-sha2-nistp521",
    "ecdsa-sha2-nistp521-cert-v01@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
    "webauthn-sk-ecdsa-sha2-nistp256@openssh.com",
    "webauthn-sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", // newer: 10.3
    "rsa-sha2-256",
    "rsa-sha2-256-cert-v01@openssh.com",
    "rsa-sha2-512",
    "rsa-sha2-512-cert-v01@openssh.com",
    "ssh-mldsa44-ed25519@openssh.com", // newer: 10.4
    "ssh-mldsa44-ed25519-cert-v01@openssh.com", // newer: 10.4
  ]),
};

/** What `ssh -Q` calls each list, for the message. */
export const QUERY: Readonly<Record<AlgorithmFamily, string>> = {
  cipher: "cipher",
  mac: "mac",
  kex: "kex",
  key: "key-sig",
};
