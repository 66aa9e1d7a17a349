// What import does with each `ssh -G` keyword whose value the original set (differs from
// OpenSSH's defaults), as data. Keywords not named here are carried into ssh.options when they
// are on tunnelc's allow-list (src/model/ssh-options.ts) and refused otherwise.
import { canonicalOptionName } from "../model/ssh-options.ts";

export type Rule =
  /** Read into a spec field by spec-from-ssh.ts (server, forwards, keepAlive…). */
  | { action: "spec" }
  /** tunnelc sets it itself: a difference is reported as added, with this reason. */
  | { action: "tunnelc"; reason: string }
  /** Not carried over; the tunnel works without it. */
  | { action: "drop"; reason: string; instead?: string }
  /** Cannot be expressed or would break the unit's guarantees: an error. */
  | { action: "refuse"; reason: string; instead?: string };

const tunnelc = (reason: string): Rule => ({ action: "tunnelc", reason });
const drop = (reason: string, instead?: string): Rule => ({
  action: "drop",
  reason,
  ...(instead !== undefined && { instead }),
});
const refuse = (reason: string, instead?: string): Rule => ({
  action: "refuse",
  reason,
  ...(instead !== undefined && { instead }),
});
const SPEC: Rule = { action: "spec" };

const CONNECTION_SHARING = drop(
  "a tunnel's service owns its connection: sharing one (ssh_config(5) ControlMaster) would tie it to another process",
);
const X11 = drop("a tunnel forwards no X11 display");
const ASKS = drop(
  "a service cannot answer a prompt: tunnelc sets BatchMode=yes and logs in with a key",
);
const GSSAPI = drop("tunnelc logs in with a key (identity); Kerberos credentials are not carried");

const CANONICAL =
  "ssh -G has already turned the name into the host it names: the spec's server.host is that host";

/** `ssh -G` keyword (lower case) → what import does with it. */
export const SSH_RULES: Readonly<Record<string, Rule>> = {
  // The connection itself: the spec's server, forwards, keep-alives, compression, host keys.
  hostname: SPEC,
  port: SPEC,
  user: SPEC,
  proxyjump: SPEC,
  localforward: SPEC,
  remoteforward: SPEC,
  dynamicforward: SPEC,
  compression: SPEC,
  serveraliveinterval: SPEC,
  serveralivecountmax: SPEC,
  stricthostkeychecking: SPEC,
  identityfile: SPEC,
  userknownhostsfile: SPEC,
  // The unit's guarantees (docs/unit.md).
  batchmode: tunnelc(
    "a service has no one to answer a password or host-key prompt; it fails and retries instead of hanging",
  ),
  exitonforwardfailure: tunnelc(
    "a tunnel whose forward the server refuses exits and is restarted instead of running without it, and ssh -f goes to the background only once every forward is up",
  ),
  forkafterauthentication: tunnelc(
    "ssh forks once it is logged in and every forward is up, which is when systemd counts the tunnel as started (Type=forking)",
  ),
  stdinnull: tunnelc("ssh reads nothing from standard input"),
  sessiontype: tunnelc("no remote command or shell, only the forwards (-N)"),
  requesttty: tunnelc("no terminal: a tunnel runs no session (-T)"),
  identitiesonly: tunnelc("only the tunnel's key is offered, never an agent's"),
  globalknownhostsfile: tunnelc("pinned host keys: only the keys in the spec vouch for the server"),
  updatehostkeys: tunnelc(
    "ssh updates host keys only in its default known_hosts files (ssh_config(5) UpdateHostKeys); a tunnel keeps the keys it trusts in its own (tunnelc trust SPEC pins them)",
  ),
  // Carried in no form: a unit does not need them.
  controlmaster: CONNECTION_SHARING,
  controlpath: CONNECTION_SHARING,
  controlpersist: CONNECTION_SHARING,
  forwardx11: X11,
  forwardx11trusted: X11,
  forwardx11timeout: X11,
  xauthlocation: X11,
  forwardagent: drop("a tunnel must not expose an agent to the server, and a service has none"),
  addkeystoagent: drop("a service has no agent"),
  identityagent: drop("a service has no agent: the key is the spec's identity"),
  passwordauthentication: ASKS,
  kbdinteractiveauthentication: ASKS,
  numberofpasswordprompts: ASKS,
  pubkeyauthentication: ASKS,
  hostbasedauthentication: drop("tunnelc logs in with the tunnel's own key (identity)"),
  gssapiauthentication: GSSAPI,
  gssapidelegatecredentials: GSSAPI,
  gssapikeyexchange: GSSAPI,
  gssapitrustdns: GSSAPI,
  gssapirenewalforcesrekey: GSSAPI,
  gssapikexalgorithms: GSSAPI,
  sendenv: drop("a tunnel sends no environment to the server"),
  setenv: drop("a tunnel sends no environment to the server"),
  escapechar: drop("escape characters are read from a terminal; a tunnel has none"),
  enableescapecommandline: drop("escape characters are read from a terminal; a tunnel has none"),
  visualhostkey: drop("nobody sees a service's output but the journal"),
  hashknownhosts: drop("tunnelc keeps the tunnel's known_hosts itself (tunnelc trust)"),
  syslogfacility: drop("the tunnel's log goes to the journal, under the unit"),
  logverbose: drop("the tunnel's log goes to the journal, under the unit"),
  permitremoteopen: drop(
    "it limits what the server may open through -R dynamic forwards, which tunnelc does not make",
  ),
  canonicaldomains: drop(CANONICAL),
  canonicalizefallbacklocal: drop(CANONICAL),
  canonicalizemaxdots: drop(CANONICAL),
  canonicalizepermittedcnames: drop(CANONICAL),
  enablesshkeysign: drop("host-based authentication is not carried"),
  // Cannot be expressed, or would break what tunnelc promises.
  proxycommand: refuse(
    "it runs a command to reach the server",
    'jump hosts: server.jump (ssh -J), e.g. "me@bastion.example.net"',
  ),
  proxyusefdpass: refuse("it goes with ProxyCommand, which runs a command"),
  localcommand: refuse("it runs a command on this machine after login"),
  permitlocalcommand: refuse("it lets ssh run a command on this machine after login"),
  remotecommand: refuse("a tunnel runs no remote command (ssh -N)"),
  knownhostscommand: refuse(
    "it runs a command to find host keys",
    "pin the keys: server.hostKeys (tunnelc trust SPEC)",
  ),
  pkcs11provider: refuse("it loads a shared library into ssh"),
  securitykeyprovider: refuse("it loads a shared library into ssh"),
  certificatefile: refuse("tunnelc logs in with a plain key; certificates are not supported yet"),
  casignaturealgorithms: refuse("host certificates are not supported yet"),
  clearallforwardings: refuse("it drops every forward of the tunnel"),
  gatewayports: SPEC,
  tunnel: refuse("tun devices (ssh -w) are not supported"),
  tunneldevice: refuse("tun devices (ssh -w) are not supported"),
  verifyhostkeydns: drop(
    "it trusts host keys published in DNS; tunnelc trusts only known or pinned keys",
    "pin the keys: server.hostKeys (tunnelc trust SPEC)",
  ),
  nohostauthenticationforlocalhost: drop(
    "it turns host-key checking off for localhost; tunnelc checks every host's key",
    "tunnelc trust SPEC",
  ),
};

/**
 * Why the compiled tunnel differs from the original in a keyword the spec carries, when the
 * difference is tunnelc's default or form rather than the original's value.
 */
export const SPEC_KEY_REASONS: Readonly<Record<string, string>> = {
  connecttimeout:
    "a connection attempt that hangs fails after 10 s and is retried, instead of waiting for the kernel's TCP timeout (ssh.options ConnectTimeout sets another)",
  serveraliveinterval:
    "a dead connection is noticed within ServerAliveInterval × ServerAliveCountMax seconds and the tunnel restarted",
  serveralivecountmax:
    "a dead connection is noticed within ServerAliveInterval × ServerAliveCountMax seconds and the tunnel restarted",
  stricthostkeychecking:
    "an unknown host key is refused instead of asked about; no one answers a service's prompt",
  userknownhostsfile:
    "host keys learnt on first use (accept-new) are kept in the tunnel's state directory",
  identityfile:
    "the key is copied at each start into the run's own directory, readable by the run's account alone (docs/unit.md)",
};

/** ssh_config(5)'s spelling of the keywords tunnelc's option tables do not name. */
const SPELLING: Readonly<Record<string, string>> = Object.fromEntries(
  [
    "ForwardX11Timeout",
    "XAuthLocation",
    "AddKeysToAgent",
    "NumberOfPasswordPrompts",
    "PubkeyAuthentication",
    "HostbasedAuthentication",
    "GSSAPIAuthentication",
    "GSSAPIDelegateCredentials",
    "GSSAPIKeyExchange",
    "GSSAPITrustDns",
    "GSSAPIRenewalForcesRekey",
    "GSSAPIKexAlgorithms",
    "EscapeChar",
    "EnableEscapeCommandline",
    "VisualHostKey",
    "SyslogFacility",
    "LogVerbose",
    "PermitRemoteOpen",
    "CanonicalDomains",
    "CanonicalizeFallbackLocal",
    "CanonicalizeMaxDots",
    "CanonicalizePermittedCNAMEs",
    "EnableSSHKeysign",
    "ProxyUseFdpass",
    "CASignatureAlgorithms",
  ].map((name) => [name.toLowerCase(), name]),
);

/** A keyword as ssh_config(5) spells it ("addkeystoagent" → "AddKeysToAgent"). */
export function spelling(keyword: string): string {
  return canonicalOptionName(keyword) ?? SPELLING[keyword] ?? keyword;
}

/**
 * A value as ssh_config(5) spells it: ssh -G prints yes/no of some keywords as true/false, and
 * LogLevel QUIET (-q) as SILENT (log.c's name for it).
 */
export function shown(values: readonly string[]): string {
  const v = values.join(" ");
  return v === "true" ? "yes" : v === "false" ? "no" : v === "SILENT" ? "QUIET" : v;
}
