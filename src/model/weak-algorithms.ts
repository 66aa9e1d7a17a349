// Algorithms OpenSSH itself has turned off by default or removed, as data: a spec's ssh.options
// may not add them back (`+list`), prefer them (`^list`) or name them (a plain list); a `-list`
// that removes them is fine. Each entry cites the openssh-portable commit that turned it off, with
// the first release tag holding that commit (`git tag --contains`). What OpenSSH still offers by
// default is not here, however old it looks: umac-64@openssh.com, umac-64-etm@openssh.com,
// hmac-sha1 and hmac-sha1-etm@openssh.com are in KEX_CLIENT_MAC of myproposal.h (V_9_2_P1 and
// master), so refusing them would be stricter than OpenSSH's own maintainers are.

/** The ssh_config(5) lists an algorithm can appear in. */
export type AlgorithmFamily = "cipher" | "mac" | "kex" | "key";

interface WeakAlgorithm {
  /** A name, or a prefix or suffix with one `*` (matched case-insensitively). */
  pattern: string;
  family: AlgorithmFamily;
  /** Why OpenSSH turned it off, and what to use instead. */
  why: string;
}

/** The first entry that matches a name gives its reason, so specific entries come first. */
export const WEAK_ALGORITHMS: readonly WeakAlgorithm[] = [
  // 3a1638dda "Turn off DSA by default" (V_7_0_P1); 6c9872faa "remove ability to enable DSA
  // support" (V_10_0_P1). The -cert-v01 and -cert-v00 names are DSA too.
  {
    pattern: "ssh-dss*",
    family: "key",
    why: "DSA, off by default since OpenSSH 7.0 and removed in 10.0; use an ed25519 or ecdsa key",
  },
  // 234475025 "After years of forewarning, disable the RSA/SHA-1 signature algorithm by default"
  // (V_8_8_P1): ssh-rsa and its certificate names sign with SHA-1, where collisions are feasible.
  {
    pattern: "ssh-rsa",
    family: "key",
    why: "RSA signatures over SHA-1, off by default since OpenSSH 8.8; the same RSA key signs with rsa-sha2-512 or rsa-sha2-256",
  },
  {
    pattern: "ssh-rsa-cert-*",
    family: "key",
    why: "RSA certificates signed over SHA-1, off by default since OpenSSH 8.8; use rsa-sha2-512-cert-v01@openssh.com or rsa-sha2-256-cert-v01@openssh.com",
  },
  // bdfd29f60 "turn off 1024 bit diffie-hellman-group1-sha1 key exchange method" (V_7_0_P1).
  {
    pattern: "diffie-hellman-group1-sha1",
    family: "kex",
    why: "a 1024-bit group with SHA-1, off in the client since OpenSSH 7.0; use curve25519-sha256 or diffie-hellman-group14-sha256",
  },
  // 6c30c9adb "remove diffie-hellman-group14-sha1 from default kex" (V_8_2_P1).
  {
    pattern: "diffie-hellman-group14-sha1",
    family: "kex",
    why: "SHA-1, off by default since OpenSSH 8.2; use diffie-hellman-group14-sha256",
  },
  // 9b61130fb "... it also disables the diffie-hellman-group-exchange-sha1 KEX method" (V_8_0_P1).
  {
    pattern: "diffie-hellman-group-exchange-sha1",
    family: "kex",
    why: "SHA-1, off in the client since OpenSSH 8.0; use diffie-hellman-group-exchange-sha256",
  },
  // da95318db "remove 3des-cbc from the client's default proposal; 64-bit block ciphers are not
  // safe" (V_7_4_P1).
  {
    pattern: "3des-cbc",
    family: "cipher",
    why: "a 64-bit block cipher (Sweet32), off in the client since OpenSSH 7.4; use chacha20-poly1305@openssh.com or aes256-gcm@openssh.com",
  },
  // 714e36722 "turn off more old crypto in the client: hmac-md5, ripemd, truncated HMACs, RC4,
  // blowfish" (V_7_2_P1); acaf34fd8 "remove support for Blowfish, RC4 and CAST ciphers" (V_7_6_P1).
  {
    pattern: "arcfour*",
    family: "cipher",
    why: "RC4, off in the client since OpenSSH 7.2 and removed in 7.6; use chacha20-poly1305@openssh.com or aes256-gcm@openssh.com",
  },
  {
    pattern: "blowfish-cbc",
    family: "cipher",
    why: "Blowfish, off in the client since OpenSSH 7.2 and removed in 7.6; use chacha20-poly1305@openssh.com or aes256-gcm@openssh.com",
  },
  {
    pattern: "cast128-cbc",
    family: "cipher",
    why: "CAST, removed in OpenSSH 7.6; use chacha20-poly1305@openssh.com or aes256-gcm@openssh.com",
  },
  // 03e93c753 "Remove the pre-standardization cipher rijndael-cbc@lysator.liu.se ... disabled by
  // default since OpenSSH 7.2" (V_8_5_P1).
  {
    pattern: "rijndael-cbc@lysator.liu.se",
    family: "cipher",
    why: "an old alias of aes256-cbc, off by default since OpenSSH 7.2 and removed in 8.5; use aes256-gcm@openssh.com",
  },
  // 70c1218fc "Don't offer CBC ciphers by default in the client" (V_7_6_P1).
  {
    pattern: "*-cbc",
    family: "cipher",
    why: "CBC mode, off in the client since OpenSSH 7.6; use chacha20-poly1305@openssh.com, aes256-gcm@openssh.com or aes256-ctr",
  },
  // 714e36722 (V_7_2_P1), as above; 7bdb2eeb1 "remove hmac-ripemd160" (V_7_6_P1).
  {
    pattern: "hmac-md5*",
    family: "mac",
    why: "MD5, off in the client since OpenSSH 7.2; use hmac-sha2-256-etm@openssh.com",
  },
  {
    pattern: "hmac-sha1-96*",
    family: "mac",
    why: "a truncated SHA-1 HMAC, off in the client since OpenSSH 7.2; use hmac-sha2-256-etm@openssh.com",
  },
  {
    pattern: "hmac-ripemd160*",
    family: "mac",
    why: "RIPEMD-160, off in the client since OpenSSH 7.2 and removed in 7.6; use hmac-sha2-256-etm@openssh.com",
  },
  // "none" is cipher.c's and mac.c's internal null transform, never negotiable from ssh_config:
  // ssh 9.2 refuses `Ciphers none` and `MACs none` ("Bad SSH2 cipher spec").
  { pattern: "none", family: "cipher", why: "it would turn encryption off; OpenSSH refuses it" },
  { pattern: "none", family: "mac", why: "it would turn integrity off; OpenSSH refuses it" },
];

function matches(pattern: string, name: string): boolean {
  const n = name.toLowerCase();
  if (pattern.startsWith("*")) return n.endsWith(pattern.slice(1));
  if (pattern.endsWith("*")) return n.startsWith(pattern.slice(0, -1));
  return n === pattern;
}

/** Why OpenSSH turned `name` off, for an algorithm of `family`; undefined if it has not. */
export function weakAlgorithm(family: AlgorithmFamily, name: string): string | undefined {
  return WEAK_ALGORITHMS.find((w) => w.family === family && matches(w.pattern, name))?.why;
}
