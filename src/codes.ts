// Every diagnostic code tunnelc reports, with what it means and what to do: the one registry.
// `Code` is the type of every `code` field, so a code not listed here does not compile;
// docs/codes.md is generated from this table (npm run docs) and a test holds the two equal.
// Pure data.

interface CodeInfo {
  /** What happened, in one sentence. */
  readonly meaning: string;
  /** What to do about it. */
  readonly fix: string;
}

export const CODES = {
  // Reading a spec file (src/specfile/read.ts, the generator's directory walk).
  "read/io": {
    meaning: "A spec file or directory could not be read (permissions, an I/O error).",
    fix: "Check that the path exists and is readable by the account running tunnelc.",
  },
  "read/not-regular": {
    meaning:
      "A spec path is a FIFO, a device, a socket or a directory: only regular files are read.",
    fix: "Put a regular file there, or remove the entry from the spec directory.",
  },
  "read/dangling-link": {
    meaning: "A spec path is a symbolic link to nothing.",
    fix: "Remove the link or make it point at a spec.",
  },
  "read/bad-name": {
    meaning:
      "A file name in a spec directory has control characters or is not UTF-8, so it cannot be written into a unit.",
    fix: "Rename the file.",
  },
  "read/untrusted": {
    meaning:
      "A spec (or a directory above it, or a link on the way) can be written by an account other than root (or the user, for user units), so the generator does not trust it (sshd's StrictModes rule).",
    fix: "chown root:root and chmod go-w the file and the directories above it, as the message says.",
  },
  "json/too-large": {
    meaning: "A spec file is larger than the 64 MiB tunnelc reads.",
    fix: "No spec needs that size: check that the right file is named.",
  },
  "json/syntax": {
    meaning: "The file is not valid JSON (comments are allowed; trailing commas are not).",
    fix: "Correct the text at the line and column shown.",
  },
  "json/empty": { meaning: "The spec file is empty.", fix: "Write a spec into it (tunnelc init)." },
  "json/too-deep": {
    meaning: "The JSON is nested deeper than 32 levels, which no spec needs.",
    fix: "Check that the right file is named.",
  },
  "json/duplicate-key": {
    meaning: "A field is given twice in one object; JSON readers disagree on which one counts.",
    fix: "Keep one of them.",
  },
  "spec/key-material": {
    meaning:
      "The file holds a private key or certificate, not a spec; its contents are never shown.",
    fix: "Name the spec file; the key belongs in the spec's identity field, as a path.",
  },
  "spec/not-text": {
    meaning: "The file is binary data (a NUL byte), not a spec; its contents are never shown.",
    fix: "Name the spec file.",
  },
  "spec/not-json": {
    meaning: "The file is text that is not JSON at all (no frame is shown: it may be a secret).",
    fix: "Name the spec file.",
  },
  "spec/invalid": {
    meaning: "The specs have problems; each is reported under its own code.",
    fix: "Fix each problem listed.",
  },
  // The schema (src/specfile/validate.ts), by the JSON Schema keyword that failed.
  "schema/type": {
    meaning: "A value has the wrong type (a string where a number belongs, …).",
    fix: "Give the type the message names (tunnelc schema prints the schema).",
  },
  "schema/required": { meaning: "A required field is missing.", fix: "Add the field named." },
  "schema/unknown-field": {
    meaning: "A field the schema does not know (often a typo, or a field one level off).",
    fix: "Use the field the message suggests, or remove it.",
  },
  "schema/enum": {
    meaning: "A value is not one of the allowed choices.",
    fix: "Use one of the values listed.",
  },
  "schema/pattern": {
    meaning: "A string does not have the form its field takes (a host, a name, a path…).",
    fix: "Write it in the form the message describes.",
  },
  "schema/anyOf": {
    meaning: "A value matches none of the forms its field allows.",
    fix: "Write it in one of the forms the message describes.",
  },
  "schema/invalid": {
    meaning: "The schema refused a value for a reason the other schema codes do not name.",
    fix: "Read the message; tunnelc schema prints the schema.",
  },
  "schema/minLength": { meaning: "A string is too short (often empty).", fix: "Give a value." },
  "schema/maxLength": { meaning: "A string is too long.", fix: "Shorten it." },
  "schema/minimum": { meaning: "A number is below its lowest value.", fix: "Raise it." },
  "schema/maximum": { meaning: "A number is above its highest value.", fix: "Lower it." },
  "schema/minItems": { meaning: "A list has too few entries.", fix: "Add entries." },
  "schema/maxItems": { meaning: "A list has too many entries.", fix: "Remove entries." },
  "schema/uniqueItems": { meaning: "A list holds the same entry twice.", fix: "Remove the copy." },
  // Rules across fields (src/model/).
  "rule/duplicate-name": {
    meaning: "Two tunnels have one name: each tunnel is one unit file, NAME.service.",
    fix: "Rename one of them.",
  },
  "rule/duplicate-bind": {
    meaning: "Two forwards listen on the same address and port (or socket).",
    fix: "Give each its own.",
  },
  "rule/auto-port": {
    meaning: '"auto" is for a remote forward\'s relay port only.',
    fix: "Give the local or dynamic forward a port.",
  },
  "rule/relays": {
    meaning:
      'A fleet\'s "relays" are used wrongly: a tunnel names a relay the fleet does not have or more relays than it has, writes a "server" of its own beside them, or names relays in a spec that has none.',
    fix: 'Name relays from the fleet\'s "relays" and let them give the server.',
  },
  "rule/port-range": {
    meaning:
      'The "ports" range for "auto" relay ports is empty, reversed or too small for the fleet.',
    fix: "Widen the range.",
  },
  "rule/seed-disabled": {
    meaning: "A NixOS-form spec with enable: false compiles to no unit.",
    fix: "Set enable to true, or leave the spec out.",
  },
  "rule/ssh-option": {
    meaning:
      "An ssh.options entry is not on the allow-list, or its value does not fit the option's grammar in ssh_config(5), or names an algorithm OpenSSH turned off.",
    fix: "Use an allowed option and a value of its grammar (docs/spec.md lists both).",
  },
  "rule/ssh-path": {
    meaning: "ssh.path is not a path systemd reads as written (a '$', a '%', a relative path…).",
    fix: "Give the ssh binary's plain absolute path.",
  },
  "rule/socket-path": {
    meaning: "A unix socket path has '..', '//' or characters ssh cannot forward.",
    fix: "Give a plain absolute path.",
  },
  "rule/dynamic-unix": {
    meaning: "ssh -D listens on a TCP port only, not on a unix socket.",
    fix: "Give the SOCKS proxy a port.",
  },
  "rule/exposed-local-bind": {
    meaning: "A local forward or proxy listens beyond loopback: reachable from the network.",
    fix: "Bind 127.0.0.1 or ::1 unless the network is meant to reach it.",
  },
  "rule/gateway-ports": {
    meaning:
      'A remote forward binds beyond loopback on the server: sshd binds loopback only unless it has "GatewayPorts clientspecified".',
    fix: "Set GatewayPorts clientspecified on the server (tunnelc relay --sshd-config), or bind loopback.",
  },
  "rule/privileged-remote-port": {
    meaning: "A remote forward asks the server for a port below 1024, which only root may bind.",
    fix: "Use a port of 1024 or more.",
  },
  "rule/privileged-local-port": {
    meaning: "A local port below 1024: the unit is given CAP_NET_BIND_SERVICE to bind it.",
    fix: "Use a port of 1024 or more if the capability is not wanted.",
  },
  "rule/no-identity": {
    meaning: "A tunnel with a dynamic account has no identity: that account has no key of its own.",
    fix: 'Set "identity" (tunnelc keygen makes one), or "user" for an account with ~/.ssh.',
  },
  "rule/keys-not-pinned": {
    meaning: "The server's host keys are not pinned: ssh trusts the system's known_hosts.",
    fix: "Pin them: tunnelc trust SPEC.",
  },
  "rule/pinned-without-keys": {
    meaning: 'hostKeyPolicy "pinned" with no server.hostKeys: no key would be trusted.',
    fix: "Add the keys: tunnelc trust SPEC.",
  },
  "rule/jump-without-keys": {
    meaning: "With pinned keys, a jump host without its own hostKeys could not be verified.",
    fix: "Pin each jump host's keys too: tunnelc trust SPEC.",
  },
  "rule/backoff-below-delay": {
    meaning:
      "restart.maxDelaySec is not above the restart delay (delaySec plus spreadSec): nothing to back off to.",
    fix: "Raise maxDelaySec, or drop it for a fixed delay.",
  },
  "rule/user-nobody": {
    meaning: '"user": "nobody" shares the account with every other daemon that uses it.',
    fix: 'Leave "user" out for a dynamic account, or name an account of its own.',
  },
  "rule/user-scope-user": {
    meaning: 'A user unit runs as the user whose manager runs it: "user" does not apply.',
    fix: 'Remove "user", or make it a system tunnel.',
  },
  "rule/unit-line-too-long": {
    meaning:
      "The spec would make a unit line of 1 MiB or more, which systemd refuses to load (too many host keys or jump hosts).",
    fix: "Pin fewer keys (one per key type) or use fewer jump hosts.",
  },
  // Warnings: choices that widen what a tunnel's process may do.
  "weak/root": {
    meaning: 'The tunnel runs ssh as root ("user": "root").',
    fix: 'Leave "user" out for a dynamic account.',
  },
  "weak/hardening": {
    meaning: 'The sandbox is off or partly off ("hardening": "basic" or "none").',
    fix: 'Use "strict" (the default) unless ssh needs what it takes away.',
  },
  "weak/ssh-path": {
    meaning:
      "ssh.path is outside the usual ssh locations: that program runs with the unit's rights.",
    fix: "Use the system's ssh (/usr/bin/ssh) unless you mean it.",
  },
  "weak/socket-mask": {
    meaning:
      "StreamLocalBindMask lets group or other accounts connect to the tunnel's forwarded unix sockets.",
    fix: "Use a mask of 0177 (the default) unless other accounts are meant to connect.",
  },
  // Rendering units (src/render/).
  "render/unwritable": {
    meaning: "A value cannot be written into a unit systemd reads as meant.",
    fix: "Change the value the message names.",
  },
  "render/line-too-long": {
    meaning: "A unit line would be 1 MiB or more, which systemd refuses to load.",
    fix: "Pin fewer keys or use fewer jump hosts.",
  },
  // The relay's and the laptop's files (src/ends/).
  "relay/public-key": {
    meaning:
      "The relay's authorized_keys line needs each tunnel's public key: it is missing, unreadable, or shared by two tunnels.",
    fix: 'Run tunnelc keygen SPEC (it writes "publicKey"), or give each tunnel its own key.',
  },
  "ends/grammar": {
    meaning:
      "A value cannot be written into sshd_config, authorized_keys or ssh_config as one token (a blank, a quote, a pattern character).",
    fix: "Change the value the message names.",
  },
  // install, uninstall, status (src/install/).
  "install/foreign-unit": {
    meaning: "A unit file of the tunnel's name exists that tunnelc did not write.",
    fix: "Remove or rename it yourself, rename the tunnel, or install --force (which keeps a backup).",
  },
  "install/foreign-link": {
    meaning:
      "A link of the tunnel's unit name exists (an alias such as Debian's sshd.service, or a mask): never replaced, even with --force.",
    fix: "Rename the tunnel.",
  },
  "install/name-taken": {
    meaning:
      "Another unit of the tunnel's name is on the manager's search path (a package's unit): the tunnel would replace it.",
    fix: "Rename the tunnel.",
  },
  "install/wrong-scope": {
    meaning: 'A tunnel\'s "scope" does not match --user.',
    fix: "Install user tunnels with --user and system tunnels without it.",
  },
  "install/no-systemd": {
    meaning:
      "systemd is not running on this host (systemctl is-system-running: offline): systemctl would fail after the files were written.",
    fix: "Use --root / to write units (and enable links) for the next boot, or compile -o DIR.",
  },
  "install/copy": {
    meaning:
      "The tunnel's unit also exists elsewhere on the search path, written by tunnelc (a packaged tunnel): one overrides the other.",
    fix: "Keep one of the two.",
  },
  "install/identity": {
    meaning: "A tunnel's key file is missing, or readable by others.",
    fix: "tunnelc keygen SPEC, or chmod 600 and chown root the key.",
  },
  "install/no-key": {
    meaning:
      "install would start a tunnel (--now), or restart a running one whose unit changed, while its key does not exist: the start would be skipped and a running tunnel would stop.",
    fix: "Make the key (tunnelc keygen NAME) or provision it, then install again; or install without --now.",
  },
  "install/nss-systemd": {
    meaning:
      "nss-systemd is missing from /etc/nsswitch.conf: dynamic accounts do not resolve and ssh cannot start.",
    fix: "Install libnss-systemd (Debian) or set user in the spec.",
  },
  "install/many-units": {
    meaning:
      "More tunnel units on one host than it was measured to start at once well within their start timeout: started together, the last ones may time out and be retried.",
    fix: "Install each device's tunnels on that device (install --only NAME), or keep one host at 200 or fewer.",
  },
  "install/linger": {
    meaning: "Lingering is off: user units stop at logout and do not start at boot.",
    fix: "loginctl enable-linger USER.",
  },
  "uninstall/not-installed": {
    meaning: "No unit file of that name is installed.",
    fix: "Check the name (tunnelc status lists the installed tunnels).",
  },
  "uninstall/foreign-unit": {
    meaning: "The unit file of that name was not written by tunnelc: it is never removed.",
    fix: "Remove it yourself if it is yours.",
  },
  "status/not-installed": {
    meaning: "No tunnel of that name is installed.",
    fix: "Check the name (tunnelc status lists the installed tunnels).",
  },
  "root/link-out": {
    meaning: "Below --root, a path leads out of the root through a link (or loops).",
    fix: "Make the link relative and inside the root, or remove it.",
  },
  // keygen, trust.
  "keygen/key-exists": {
    meaning: "The key file exists; it is never overwritten without --force.",
    fix: "Keep it, or --force to make a new one (the relay's line changes).",
  },
  "keygen/pub-link": {
    meaning: "KEY.pub is a symbolic link: ssh-keygen would write through it.",
    fix: "Remove the link.",
  },
  "trust/no-host-keys": {
    meaning: "ssh-keyscan got no host key from the server.",
    fix: "Check the host and port, and that sshd runs there.",
  },
  // The generator.
  "generator/name-taken": {
    meaning:
      "A unit of the tunnel's name exists on the manager's search path: the generator never takes another unit's name.",
    fix: "Rename the tunnel.",
  },
  "generator/scope": {
    meaning: "A tunnel of the other scope (system or user) is skipped by this generator.",
    fix: 'Put user tunnels in the user spec directory, or change "scope".',
  },
  "generator/many-units": {
    meaning:
      "The generator made more tunnel units than one host was measured to start at once well within their start timeout: started together at boot, the last ones may time out and be retried.",
    fix: "Keep each device's specs on that device, or keep one host at 200 or fewer tunnels.",
  },
  "generator/foreign": {
    meaning: "A file of the generator's name exists that tunnelc did not write: it is left alone.",
    fix: "Remove it yourself if it is not needed.",
  },
  "generator/memo": {
    meaning:
      "generator keep did not keep the generator's memo of its last run: someone other than root could write it or a directory above it, it could not be read, or it is not of the form the generator writes. The next boot compiles the specs (as it would without a memo).",
    fix: "Nothing, if the file is not the generator's; else make it and the directories above it root's alone (chown root, chmod go-w).",
  },
  "generator/read": {
    meaning: "The generator could not read a spec directory.",
    fix: "Check its permissions.",
  },
  // doctor: one code per check that can fail.
  "doctor/systemd": {
    meaning: "systemd is missing, too old, or not running as the service manager.",
    fix: "tunnelc needs a running systemd of the version doctor names.",
  },
  "doctor/distro": {
    meaning: "The distribution doctor ran on (reported, never a failure).",
    fix: "Nothing to do.",
  },
  "doctor/backoff": {
    meaning:
      "A tunnel backs off (restart.maxDelaySec) on a systemd older than 254, which ignores it.",
    fix: "Drop restart.maxDelaySec, or run systemd 254 or later.",
  },
  "doctor/ssh": {
    meaning: "ssh is missing or older than tunnelc needs.",
    fix: "Install or upgrade the OpenSSH client.",
  },
  "doctor/nss-systemd": {
    meaning: "nss-systemd is missing: dynamic accounts do not resolve.",
    fix: "Install libnss-systemd (Debian), or set user in the spec.",
  },
  "doctor/sed": {
    meaning: "/usr/bin/sed is missing: ssh's log does not reach the journal.",
    fix: "Install sed, or link /usr/bin/sed to /bin/sed.",
  },
  "doctor/identity": {
    meaning: "A tunnel's key is missing or readable by others.",
    fix: "Run the command in the hint.",
  },
  "doctor/host-key": {
    meaning: "The server's host key is pinned nowhere and known in no known_hosts.",
    fix: "tunnelc trust SPEC.",
  },
  "doctor/account": {
    meaning: "The local account a tunnel runs as does not exist.",
    fix: 'Create it, or leave "user" out for a dynamic account.',
  },
  "doctor/lingering": {
    meaning: "Lingering is off: user units stop at logout.",
    fix: "loginctl enable-linger USER.",
  },
  "doctor/generator": {
    meaning:
      "The installed generator cannot run: the node it names on its #! line, or the tunnelc it runs, is missing, or it cannot be read. The next boot and daemon-reload generate no tunnel units.",
    fix: "tunnelc generator install (a generator in /etc), or reinstall the package that ships it.",
  },
  "doctor/port": {
    meaning: "A local forward's port is held by another program.",
    fix: "Pick another port or stop that program.",
  },
  // import (src/import/).
  "import/cannot-express": {
    meaning:
      "The tunnel being imported does something a tunnelc spec cannot say, or must not: a remote command, ProxyCommand, -R 0, a program that is not ssh; the message names it and where it came from.",
    fix: "Change the original as the message says (or write that part of the spec by hand), then import again.",
  },
  "import/ssh-refused": {
    meaning:
      "ssh -G, which reads the original's options for tunnelc, refused them: ssh itself would not run this command line or config.",
    fix: "Fix what ssh's message names in the original; `ssh -G ARGS` shows the same.",
  },
  "import/unexplained": {
    meaning:
      "The spec import built would make OpenSSH do something other than the original in a way import cannot name: a mistake in tunnelc, so it stops instead of handing over that spec.",
    fix: "Report it with the original; meanwhile write the spec by hand.",
  },
  // Failures of the run itself.
  "usage/invalid": {
    meaning: "The command line is wrong: an unknown command or option, a missing or bad value.",
    fix: "Read the message; tunnelc COMMAND --help.",
  },
  refused: {
    meaning: "A change was refused before anything was touched.",
    fix: "Read the message.",
  },
  "system/io": {
    meaning:
      "Reading or writing a file failed (a full disk, permissions, a read-only file system).",
    fix: "Read the reason in the message.",
  },
  "system/command": {
    meaning: "A command tunnelc ran (systemctl, ssh-keygen…) failed; its own output follows.",
    fix: "Read the command's message.",
  },
  "system/missing-tool": {
    meaning: "A program tunnelc needs is not installed.",
    fix: "Install it, as the message says.",
  },
  internal: {
    meaning: "A bug in tunnelc.",
    fix: "Report it with the spec and command that caused it (TUNNELC_DEBUG=1 shows the stack).",
  },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;

const SCHEMA_CODES: ReadonlySet<string> = new Set(
  Object.keys(CODES).filter((c) => c.startsWith("schema/")),
);

/** The code of a JSON Schema keyword's failure ("schema/type"), "schema/invalid" for others. */
export function schemaCode(keyword: string): Code {
  const code = `schema/${keyword}`;
  return SCHEMA_CODES.has(code) ? (code as Code) : "schema/invalid";
}
