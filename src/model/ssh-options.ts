// The ssh -o options a spec may add, as data. An allow-list, not a deny-list: anything not named
// here is refused, and the options people ask for most that would break the unit's guarantees
// carry the reason (ssh_config(5)).

export type OptionCheck = "yes-no" | "number" | "text";

/** Allowed options: canonical spelling → how the value is checked. */
export const ALLOWED_SSH_OPTIONS: Readonly<Record<string, OptionCheck>> = {
  AddressFamily: "text",
  BindAddress: "text",
  BindInterface: "text",
  CanonicalizeHostname: "yes-no",
  CheckHostIP: "yes-no",
  Ciphers: "text",
  ConnectionAttempts: "number",
  ConnectTimeout: "number",
  FingerprintHash: "text",
  HostKeyAlgorithms: "text",
  HostbasedAcceptedAlgorithms: "text",
  IPQoS: "text",
  KexAlgorithms: "text",
  LogLevel: "text",
  MACs: "text",
  PubkeyAcceptedAlgorithms: "text",
  RekeyLimit: "text",
  RequiredRSASize: "number",
  StreamLocalBindMask: "text",
  StreamLocalBindUnlink: "yes-no",
  TCPKeepAlive: "yes-no",
  UpdateHostKeys: "yes-no",
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
  const check = canonical ? ALLOWED_SSH_OPTIONS[canonical] : undefined;
  if (!canonical || !check) {
    return {
      ok: false,
      message: `ssh option "${name}" is not on tunnelc's allow-list (see docs/spec.md "ssh.options")`,
    };
  }
  const value = typeof raw === "boolean" ? (raw ? "yes" : "no") : String(raw);
  if (value.trim() === "") return { ok: false, message: `ssh option ${canonical} needs a value` };
  if (check === "yes-no" && !/^(yes|no)$/.test(value)) {
    return {
      ok: false,
      message: `ssh option ${canonical} takes yes or no (got ${JSON.stringify(value)})`,
    };
  }
  if (check === "number" && !/^[0-9]{1,9}$/.test(value)) {
    return {
      ok: false,
      message: `ssh option ${canonical} takes a whole number (got ${JSON.stringify(value)})`,
    };
  }
  if (check === "text" && !/^[A-Za-z0-9@._,:+=/ -]+$/.test(value)) {
    return {
      ok: false,
      message: `ssh option ${canonical} has characters ssh_config(5) does not take here (got ${JSON.stringify(value)})`,
    };
  }
  return { ok: true, name: canonical, value };
}
