// The words the allowed ssh options' values are made of (ssh-options.ts puts them together), each
// with the source of its rule. Narrower than OpenSSH where OpenSSH parses loosely: ssh reads
// StreamLocalBindMask with strtol and ignores what follows the digits (`0o77` is taken as 0), and
// BindAddress is any word getaddrinfo(3) may resolve at connect time.
import type { Word } from "./ssh-option-grammar.ts";

const INT_MAX = 2147483647;

/** An IPv4 address in dotted decimal, each part 0–255 without leading zeros. */
const IPV4 =
  /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;
const HEXTET = /^[0-9A-Fa-f]{1,4}$/;

/** An IPv6 address as RFC 4291 2.2 writes it (at most one `::`, an IPv4 tail), bare, no zone. */
export function isIPv6(text: string): boolean {
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const groups = halves.map((h) => (h === "" ? [] : h.split(":")));
  const all = groups.flat();
  const last = all[all.length - 1];
  const v4 = last !== undefined && IPV4.test(last);
  const hextets = v4 ? all.slice(0, -1) : all;
  if (!hextets.every((g) => HEXTET.test(g))) return false;
  const size = hextets.length + (v4 ? 2 : 0);
  return halves.length === 2 ? size <= 7 : size === 8;
}

/**
 * A network interface name as Linux takes it (net/core/dev.c dev_valid_name: shorter than
 * IFNAMSIZ 16, no `/`, `:` or blank, not `.` or `..`), narrowed to letters, digits, `_`, `.`, `-`.
 */
const INTERFACE = /^(?!\.\.?$)[A-Za-z0-9_.-]{1,15}$/;

/**
 * BindAddress: a literal address (ssh_config(5)); a name would be resolved at each connect. No
 * `%zone`: `%` is a specifier to systemd and a token to ssh elsewhere; BindInterface names one.
 */
export const BIND_ADDRESS: Word = {
  kind: "pattern",
  pattern: /^[0-9A-Fa-f:.]+$/,
  accept: (w) => IPV4.test(w) || isIPv6(w),
};

/** BindInterface: the interface whose address ssh binds to (ssh_config(5)). */
export const INTERFACE_NAME: Word = {
  kind: "pattern",
  pattern: INTERFACE,
};

/** StreamLocalBindMask: an octal umask, 0 to 0777 (ssh_config(5); readconf.c refuses > 0777). */
export const OCTAL_MASK: Word = {
  kind: "pattern",
  pattern: /^[0-7]{1,4}$/,
  accept: (w) => parseInt(w, 8) <= 0o777,
};

/**
 * IPQoS: a class ssh_config(5) names, or a number 0–255 (misc.c parse_ipqos: strtol base 0, so
 * decimal without a leading zero, which would read as octal, or `0x` hexadecimal).
 */
export const QOS: Word = {
  kind: "pattern",
  pattern:
    /^(?:af[1-4][1-3]|cs[0-7]|ef|le|lowdelay|throughput|reliability|none|0|[1-9][0-9]{0,2}|0x[0-9a-f]{1,2})$/i,
  accept: (w) => /^[a-z]/i.test(w) || Number(w) <= 255,
};

/**
 * RekeyLimit's amount of data: `default`, or bytes with an optional K, M or G (ssh_config(5));
 * readconf.c refuses fewer than 16 bytes but 0 (the cipher's default), and scan_scaled(3) more
 * than a long long, which nine digits before G stay under.
 */
export const REKEY_SIZE: Word = {
  kind: "pattern",
  pattern: /^(?:default|0|[1-9][0-9]{0,8}[KMG]?)$/,
  accept: (w) => !/^[0-9]+$/.test(w) || w === "0" || Number(w) >= 16,
};

const TIME_PART = /([0-9]+)([smhdw]?)/gi;
const SECONDS: Readonly<Record<string, number>> = {
  "": 1,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
};

/**
 * RekeyLimit's time: `none`, or sshd_config(5) TIME FORMATS (`90`, `10m`, `1h30m`), which
 * misc.c convtime refuses beyond INT_MAX seconds.
 */
export const REKEY_TIME: Word = {
  kind: "pattern",
  pattern: /^(?:none|(?:[0-9]{1,10}[smhdwSMHDW]?){1,5})$/,
  accept: (w) =>
    w === "none" ||
    [...w.matchAll(TIME_PART)].reduce(
      (total, [, n = "", unit = ""]) => total + Number(n) * (SECONDS[unit.toLowerCase()] ?? NaN),
      0,
    ) <= INT_MAX,
};
