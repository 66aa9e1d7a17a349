// The ssh -o options a spec may add, as data. An allow-list, not a deny-list: anything not named
// here is refused, and the options people ask for most that would break the unit's guarantees
// carry the reason (ssh_config(5)). Each allowed option's value is read against its grammar
// (ssh-option-grammar.ts), algorithms OpenSSH has turned off included (weak-algorithms.ts).
import { readValue, type ValueGrammar } from "./ssh-option-grammar.ts";
import {
  BIND_ADDRESS,
  INTERFACE_NAME,
  OCTAL_MASK,
  QOS,
  REKEY_SIZE,
  REKEY_TIME,
} from "./ssh-option-words.ts";

const YES_NO = { kind: "enum", values: ["yes", "no"] } as const;

/**
 * Allowed options: canonical spelling → the grammar of its value (ssh_config(5); what OpenSSH
 * 9.2's readconf.c parses, narrowed as ssh-option-grammar.ts says).
 */
export const ALLOWED_SSH_OPTIONS: Readonly<Record<string, ValueGrammar>> = {
  AddressFamily: { kind: "enum", values: ["any", "inet", "inet6"] },
  BindAddress: { kind: "words", words: [BIND_ADDRESS], says: "an IPv4 or IPv6 address" },
  BindInterface: {
    kind: "words",
    words: [INTERFACE_NAME],
    says: "an interface name: up to 15 letters, digits, '_', '.' or '-'",
  },
  // readconf.c multistate_canonicalizehostname: yes, no, always.
  CanonicalizeHostname: { kind: "enum", values: ["yes", "no", "always"] },
  CheckHostIP: YES_NO,
  Ciphers: { kind: "algorithms", family: "cipher" },
  // ssh.c: "Invalid number of ConnectionAttempts" below 1; one try a second, so 100 is ample.
  ConnectionAttempts: { kind: "int", min: 1, max: 100, unit: "tries" },
  // 0 would leave the connect to the kernel's TCP timeout; ssh would not give up on its own.
  ConnectTimeout: { kind: "int", min: 1, max: 3600, unit: "seconds" },
  FingerprintHash: { kind: "enum", values: ["md5", "sha256"] },
  HostKeyAlgorithms: { kind: "algorithms", family: "key" },
  HostbasedAcceptedAlgorithms: { kind: "algorithms", family: "key" },
  IPQoS: {
    kind: "words",
    words: [QOS, QOS],
    says: "one or two of af11–af43, cs0–cs7, ef, le, lowdelay, throughput, reliability, none or a number 0–255, separated by one space",
  },
  KexAlgorithms: { kind: "algorithms", family: "kex" },
  LogLevel: {
    kind: "enum",
    values: ["QUIET", "FATAL", "ERROR", "INFO", "VERBOSE", "DEBUG", "DEBUG1", "DEBUG2", "DEBUG3"],
  },
  MACs: { kind: "algorithms", family: "mac" },
  PubkeyAcceptedAlgorithms: { kind: "algorithms", family: "key" },
  RekeyLimit: {
    kind: "words",
    words: [REKEY_SIZE, REKEY_TIME],
    says: "an amount of data (default, 0, or at least 16 bytes, with an optional K, M or G), then optionally one space and a time (none, or seconds with an optional s, m, h, d or w: 1h30m)",
  },
  // The default is 1024 and ssh_config(5) says it may only be raised; RSA keys stop at 16384 bits
  // (sshkey.h SSH_RSA_MAXIMUM_MODULUS_SIZE).
  RequiredRSASize: { kind: "int", min: 1024, max: 16384, unit: "bits" },
  StreamLocalBindMask: {
    kind: "words",
    words: [OCTAL_MASK],
    says: "an octal mask from 0 to 0777, such as 0177",
  },
  StreamLocalBindUnlink: YES_NO,
  TCPKeepAlive: YES_NO,
  // `ask` prompts on the terminal; the unit runs ssh -T, where ssh.c turns it off with no word.
  UpdateHostKeys: {
    kind: "enum",
    values: ["yes", "no", "ask"],
    why: { ask: "it asks on a terminal and a service has none (ssh -T, BatchMode); use yes or no" },
  },
};

/** Why an option is refused, for the options people reach for. */
export const REFUSED_SSH_OPTIONS: Readonly<Record<string, string>> = {
  ProxyCommand: "it runs a command; use server.jump for jump hosts",
  ProxyJump: "use server.jump",
  LocalCommand: "it runs a command",
  PermitLocalCommand: "it lets ssh run commands",
  KnownHostsCommand: "it runs a command",
  RemoteCommand: "a tunnel runs no remote command (ssh -N)",
  Match: "a Match exec block runs a command",
  Include: "it reads configuration tunnelc cannot check",
  StrictHostKeyChecking: "use hostKeyPolicy",
  UserKnownHostsFile: "use server.hostKeys or hostKeyPolicy",
  GlobalKnownHostsFile: "use server.hostKeys or hostKeyPolicy",
  HashKnownHosts: "tunnelc manages the tunnel's known_hosts",
  VerifyHostKeyDNS: "it can trust host keys from DNS; pin them with server.hostKeys",
  NoHostAuthenticationForLocalhost: "it turns host-key checking off",
  IdentityFile: "use identity",
  IdentityAgent: "the service has no agent",
  IdentitiesOnly: "tunnelc sets it with identity",
  CertificateFile: "not supported yet",
  PKCS11Provider: "it loads a shared library into ssh",
  SecurityKeyProvider: "it loads a shared library into ssh",
  BatchMode: "tunnelc always sets BatchMode=yes",
  ExitOnForwardFailure: "tunnelc always sets ExitOnForwardFailure=yes",
  ServerAliveInterval: "use keepAlive.interval",
  ServerAliveCountMax: "use keepAlive.countMax",
  Compression: "use compression",
  LocalForward: "use forwards",
  RemoteForward: "use forwards",
  DynamicForward: "use forwards",
  ClearAllForwardings: "it drops the tunnel's forwards",
  GatewayPorts: "bind to an explicit address in forwards instead",
  ForwardAgent: "a tunnel must not expose an agent",
  ForwardX11: "a tunnel forwards no X11",
  ForwardX11Trusted: "a tunnel forwards no X11",
  ControlMaster: "a tunnel service owns its own connection",
  ControlPath: "a tunnel service owns its own connection",
  ControlPersist: "a tunnel service owns its own connection",
  Tunnel: "tun devices are not supported",
  TunnelDevice: "tun devices are not supported",
  SendEnv: "a tunnel sends no environment",
  SetEnv: "a tunnel sends no environment",
  PasswordAuthentication: "a service cannot type a password (BatchMode)",
  KbdInteractiveAuthentication: "a service cannot answer prompts (BatchMode)",
  Hostname: "use server.host",
  Port: "use server.port",
  User: "use server.user",
  RequestTTY: "a tunnel needs no TTY (ssh -T)",
  SessionType: "a tunnel runs no session (ssh -N)",
  StdinNull: "set by the unit (ssh -f)",
  ForkAfterAuthentication: "set by the unit (ssh -f, Type=forking)",
};

const CANONICAL = new Map(
  [...Object.keys(ALLOWED_SSH_OPTIONS), ...Object.keys(REFUSED_SSH_OPTIONS)].map((k) => [
    k.toLowerCase(),
    k,
  ]),
);

/** ssh option names are case-insensitive (ssh_config(5)); spell them one way in the unit. */
export function canonicalOptionName(name: string): string | undefined {
  return CANONICAL.get(name.toLowerCase());
}

export type OptionVerdict =
  { ok: true; name: string; value: string } | { ok: false; message: string };

export function checkSshOption(name: string, raw: string | number | boolean): OptionVerdict {
  const canonical = canonicalOptionName(name);
  const refused = canonical ? REFUSED_SSH_OPTIONS[canonical] : undefined;
  if (refused) return { ok: false, message: `ssh option ${canonical} is not allowed: ${refused}` };
  const grammar = canonical ? ALLOWED_SSH_OPTIONS[canonical] : undefined;
  if (!canonical || !grammar) {
    return {
      ok: false,
      message: `ssh option "${name}" is not on tunnelc's allow-list (see docs/spec.md "ssh.options")`,
    };
  }
  const value = typeof raw === "boolean" ? (raw ? "yes" : "no") : String(raw);
  if (value.trim() === "") return { ok: false, message: `ssh option ${canonical} needs a value` };
  const read = readValue(grammar, value);
  if (!read.ok) return { ok: false, message: `ssh option ${canonical} ${read.problem}` };
  return { ok: true, name: canonical, value: read.value };
}
