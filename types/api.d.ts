// tunnelc's API (docs/api.md): generated from src/api.ts by scripts/api-types.mjs (npm run docs).
declare const CODES: {
    readonly "read/io": {
        readonly meaning: "A spec file or directory could not be read (permissions, an I/O error).";
        readonly fix: "Check that the path exists and is readable by the account running tunnelc.";
    };
    readonly "read/not-regular": {
        readonly meaning: "A spec path is a FIFO, a device, a socket or a directory: only regular files are read.";
        readonly fix: "Put a regular file there, or remove the entry from the spec directory.";
    };
    readonly "read/dangling-link": {
        readonly meaning: "A spec path is a symbolic link to nothing.";
        readonly fix: "Remove the link or make it point at a spec.";
    };
    readonly "read/bad-name": {
        readonly meaning: "A file name in a spec directory has control characters or is not UTF-8, so it cannot be written into a unit.";
        readonly fix: "Rename the file.";
    };
    readonly "read/untrusted": {
        readonly meaning: "A spec (or a directory above it, or a link on the way) can be written by an account other than root (or the user, for user units), so the generator does not trust it (sshd's StrictModes rule).";
        readonly fix: "chown root:root and chmod go-w the file and the directories above it, as the message says.";
    };
    readonly "json/too-large": {
        readonly meaning: "A spec file is larger than the 64 MiB tunnelc reads.";
        readonly fix: "No spec needs that size: check that the right file is named.";
    };
    readonly "json/syntax": {
        readonly meaning: "The file is not valid JSON (comments are allowed; trailing commas are not).";
        readonly fix: "Correct the text at the line and column shown.";
    };
    readonly "json/empty": {
        readonly meaning: "The spec file is empty.";
        readonly fix: "Write a spec into it (tunnelc init).";
    };
    readonly "json/too-deep": {
        readonly meaning: "The JSON is nested deeper than 32 levels, which no spec needs.";
        readonly fix: "Check that the right file is named.";
    };
    readonly "json/duplicate-key": {
        readonly meaning: "A field is given twice in one object; JSON readers disagree on which one counts.";
        readonly fix: "Keep one of them.";
    };
    readonly "spec/key-material": {
        readonly meaning: "The file holds a private key or certificate, not a spec; its contents are never shown.";
        readonly fix: "Name the spec file; the key belongs in the spec's identity field, as a path.";
    };
    readonly "spec/not-text": {
        readonly meaning: "The file is binary data (a NUL byte), not a spec; its contents are never shown.";
        readonly fix: "Name the spec file.";
    };
    readonly "spec/not-json": {
        readonly meaning: "The file is text that is not JSON at all (no frame is shown: it may be a secret).";
        readonly fix: "Name the spec file.";
    };
    readonly "spec/invalid": {
        readonly meaning: "The specs have problems; each is reported under its own code.";
        readonly fix: "Fix each problem listed.";
    };
    readonly "schema/type": {
        readonly meaning: "A value has the wrong type (a string where a number belongs, …).";
        readonly fix: "Give the type the message names (tunnelc schema prints the schema).";
    };
    readonly "schema/required": {
        readonly meaning: "A required field is missing.";
        readonly fix: "Add the field named.";
    };
    readonly "schema/unknown-field": {
        readonly meaning: "A field the schema does not know (often a typo, or a field one level off).";
        readonly fix: "Use the field the message suggests, or remove it.";
    };
    readonly "schema/enum": {
        readonly meaning: "A value is not one of the allowed choices.";
        readonly fix: "Use one of the values listed.";
    };
    readonly "schema/pattern": {
        readonly meaning: "A string does not have the form its field takes (a host, a name, a path…).";
        readonly fix: "Write it in the form the message describes.";
    };
    readonly "schema/anyOf": {
        readonly meaning: "A value matches none of the forms its field allows.";
        readonly fix: "Write it in one of the forms the message describes.";
    };
    readonly "schema/invalid": {
        readonly meaning: "The schema refused a value for a reason the other schema codes do not name.";
        readonly fix: "Read the message; tunnelc schema prints the schema.";
    };
    readonly "schema/minLength": {
        readonly meaning: "A string is too short (often empty).";
        readonly fix: "Give a value.";
    };
    readonly "schema/maxLength": {
        readonly meaning: "A string is too long.";
        readonly fix: "Shorten it.";
    };
    readonly "schema/minimum": {
        readonly meaning: "A number is below its lowest value.";
        readonly fix: "Raise it.";
    };
    readonly "schema/maximum": {
        readonly meaning: "A number is above its highest value.";
        readonly fix: "Lower it.";
    };
    readonly "schema/minItems": {
        readonly meaning: "A list has too few entries.";
        readonly fix: "Add entries.";
    };
    readonly "schema/maxItems": {
        readonly meaning: "A list has too many entries.";
        readonly fix: "Remove entries.";
    };
    readonly "schema/uniqueItems": {
        readonly meaning: "A list holds the same entry twice.";
        readonly fix: "Remove the copy.";
    };
    readonly "rule/duplicate-name": {
        readonly meaning: "Two tunnels have one name: each tunnel is one unit file, NAME.service.";
        readonly fix: "Rename one of them.";
    };
    readonly "rule/duplicate-bind": {
        readonly meaning: "Two forwards listen on the same address and port (or socket).";
        readonly fix: "Give each its own.";
    };
    readonly "rule/auto-port": {
        readonly meaning: "\"auto\" is for a remote forward's relay port only.";
        readonly fix: "Give the local or dynamic forward a port.";
    };
    readonly "rule/relays": {
        readonly meaning: "A fleet's \"relays\" are used wrongly: a tunnel names a relay the fleet does not have or more relays than it has, writes a \"server\" of its own beside them, or names relays in a spec that has none.";
        readonly fix: "Name relays from the fleet's \"relays\" and let them give the server.";
    };
    readonly "rule/port-range": {
        readonly meaning: "The \"ports\" range for \"auto\" relay ports is empty, reversed or too small for the fleet.";
        readonly fix: "Widen the range.";
    };
    readonly "rule/seed-disabled": {
        readonly meaning: "A NixOS-form spec with enable: false compiles to no unit.";
        readonly fix: "Set enable to true, or leave the spec out.";
    };
    readonly "rule/ssh-option": {
        readonly meaning: "An ssh.options entry is not on the allow-list, or its value does not fit the option's grammar in ssh_config(5), or names an algorithm OpenSSH turned off.";
        readonly fix: "Use an allowed option and a value of its grammar (docs/spec.md lists both).";
    };
    readonly "rule/ssh-path": {
        readonly meaning: "ssh.path is not a path systemd reads as written (a '$', a '%', a relative path…).";
        readonly fix: "Give the ssh binary's plain absolute path.";
    };
    readonly "rule/socket-path": {
        readonly meaning: "A unix socket path has '..', '//' or characters ssh cannot forward.";
        readonly fix: "Give a plain absolute path.";
    };
    readonly "rule/dynamic-unix": {
        readonly meaning: "ssh -D listens on a TCP port only, not on a unix socket.";
        readonly fix: "Give the SOCKS proxy a port.";
    };
    readonly "rule/exposed-local-bind": {
        readonly meaning: "A local forward or proxy listens beyond loopback: reachable from the network.";
        readonly fix: "Bind 127.0.0.1 or ::1 unless the network is meant to reach it.";
    };
    readonly "rule/gateway-ports": {
        readonly meaning: "A remote forward binds beyond loopback on the server: sshd binds loopback only unless it has \"GatewayPorts clientspecified\".";
        readonly fix: "Set GatewayPorts clientspecified on the server (tunnelc relay --sshd-config), or bind loopback.";
    };
    readonly "rule/privileged-remote-port": {
        readonly meaning: "A remote forward asks the server for a port below 1024, which only root may bind.";
        readonly fix: "Use a port of 1024 or more.";
    };
    readonly "rule/privileged-local-port": {
        readonly meaning: "A local port below 1024: the unit is given CAP_NET_BIND_SERVICE to bind it.";
        readonly fix: "Use a port of 1024 or more if the capability is not wanted.";
    };
    readonly "rule/no-identity": {
        readonly meaning: "A tunnel with a dynamic account has no identity: that account has no key of its own.";
        readonly fix: "Set \"identity\" (tunnelc keygen makes one), or \"user\" for an account with ~/.ssh.";
    };
    readonly "rule/keys-not-pinned": {
        readonly meaning: "The server's host keys are not pinned: ssh trusts the system's known_hosts.";
        readonly fix: "Pin them: tunnelc trust SPEC.";
    };
    readonly "rule/pinned-without-keys": {
        readonly meaning: "hostKeyPolicy \"pinned\" with no server.hostKeys: no key would be trusted.";
        readonly fix: "Add the keys: tunnelc trust SPEC.";
    };
    readonly "rule/jump-without-keys": {
        readonly meaning: "With pinned keys, a jump host without its own hostKeys could not be verified.";
        readonly fix: "Pin each jump host's keys too: tunnelc trust SPEC.";
    };
    readonly "rule/backoff-below-delay": {
        readonly meaning: "restart.maxDelaySec is not above the restart delay (delaySec plus spreadSec): nothing to back off to.";
        readonly fix: "Raise maxDelaySec, or drop it for a fixed delay.";
    };
    readonly "rule/user-nobody": {
        readonly meaning: "\"user\": \"nobody\" shares the account with every other daemon that uses it.";
        readonly fix: "Leave \"user\" out for a dynamic account, or name an account of its own.";
    };
    readonly "rule/user-scope-user": {
        readonly meaning: "A user unit runs as the user whose manager runs it: \"user\" does not apply.";
        readonly fix: "Remove \"user\", or make it a system tunnel.";
    };
    readonly "rule/unit-line-too-long": {
        readonly meaning: "The spec would make a unit line of 1 MiB or more, which systemd refuses to load (too many host keys or jump hosts).";
        readonly fix: "Pin fewer keys (one per key type) or use fewer jump hosts.";
    };
    readonly "weak/root": {
        readonly meaning: "The tunnel runs ssh as root (\"user\": \"root\").";
        readonly fix: "Leave \"user\" out for a dynamic account.";
    };
    readonly "weak/hardening": {
        readonly meaning: "The sandbox is off or partly off (\"hardening\": \"basic\" or \"none\").";
        readonly fix: "Use \"strict\" (the default) unless ssh needs what it takes away.";
    };
    readonly "weak/ssh-path": {
        readonly meaning: "ssh.path is outside the usual ssh locations: that program runs with the unit's rights.";
        readonly fix: "Use the system's ssh (/usr/bin/ssh) unless you mean it.";
    };
    readonly "weak/socket-mask": {
        readonly meaning: "StreamLocalBindMask lets group or other accounts connect to the tunnel's forwarded unix sockets.";
        readonly fix: "Use a mask of 0177 (the default) unless other accounts are meant to connect.";
    };
    readonly "render/unwritable": {
        readonly meaning: "A value cannot be written into a unit systemd reads as meant.";
        readonly fix: "Change the value the message names.";
    };
    readonly "render/line-too-long": {
        readonly meaning: "A unit line would be 1 MiB or more, which systemd refuses to load.";
        readonly fix: "Pin fewer keys or use fewer jump hosts.";
    };
    readonly "relay/public-key": {
        readonly meaning: "The relay's authorized_keys line needs each tunnel's public key: it is missing, unreadable, or shared by two tunnels.";
        readonly fix: "Run tunnelc keygen SPEC (it writes \"publicKey\"), or give each tunnel its own key.";
    };
    readonly "ends/grammar": {
        readonly meaning: "A value cannot be written into sshd_config, authorized_keys or ssh_config as one token (a blank, a quote, a pattern character).";
        readonly fix: "Change the value the message names.";
    };
    readonly "install/foreign-unit": {
        readonly meaning: "A unit file of the tunnel's name exists that tunnelc did not write.";
        readonly fix: "Remove or rename it yourself, rename the tunnel, or install --force (which keeps a backup).";
    };
    readonly "install/foreign-link": {
        readonly meaning: "A link of the tunnel's unit name exists (an alias such as Debian's sshd.service, or a mask): never replaced, even with --force.";
        readonly fix: "Rename the tunnel.";
    };
    readonly "install/name-taken": {
        readonly meaning: "Another unit of the tunnel's name is on the manager's search path (a package's unit): the tunnel would replace it.";
        readonly fix: "Rename the tunnel.";
    };
    readonly "install/wrong-scope": {
        readonly meaning: "A tunnel's \"scope\" does not match --user.";
        readonly fix: "Install user tunnels with --user and system tunnels without it.";
    };
    readonly "install/no-systemd": {
        readonly meaning: "systemd is not running on this host (systemctl is-system-running: offline): systemctl would fail after the files were written.";
        readonly fix: "Use --root / to write units (and enable links) for the next boot, or compile -o DIR.";
    };
    readonly "install/copy": {
        readonly meaning: "The tunnel's unit also exists elsewhere on the search path, written by tunnelc (a packaged tunnel): one overrides the other.";
        readonly fix: "Keep one of the two.";
    };
    readonly "install/identity": {
        readonly meaning: "A tunnel's key file is missing, or readable by others.";
        readonly fix: "tunnelc keygen SPEC, or chmod 600 and chown root the key.";
    };
    readonly "install/no-key": {
        readonly meaning: "install would start a tunnel (--now), or restart a running one whose unit changed, while its key does not exist: the start would be skipped and a running tunnel would stop.";
        readonly fix: "Make the key (tunnelc keygen NAME) or provision it, then install again; or install without --now.";
    };
    readonly "install/nss-systemd": {
        readonly meaning: "nss-systemd is missing from /etc/nsswitch.conf: dynamic accounts do not resolve and ssh cannot start.";
        readonly fix: "Install libnss-systemd (Debian) or set user in the spec.";
    };
    readonly "install/many-units": {
        readonly meaning: "More tunnel units on one host than it was measured to start at once well within their start timeout: started together, the last ones may time out and be retried.";
        readonly fix: "Install each device's tunnels on that device (install --only NAME), or keep one host at 200 or fewer.";
    };
    readonly "install/linger": {
        readonly meaning: "Lingering is off: user units stop at logout and do not start at boot.";
        readonly fix: "loginctl enable-linger USER.";
    };
    readonly "uninstall/not-installed": {
        readonly meaning: "No unit file of that name is installed.";
        readonly fix: "Check the name (tunnelc status lists the installed tunnels).";
    };
    readonly "uninstall/foreign-unit": {
        readonly meaning: "The unit file of that name was not written by tunnelc: it is never removed.";
        readonly fix: "Remove it yourself if it is yours.";
    };
    readonly "status/not-installed": {
        readonly meaning: "No tunnel of that name is installed.";
        readonly fix: "Check the name (tunnelc status lists the installed tunnels).";
    };
    readonly "root/link-out": {
        readonly meaning: "Below --root, a path leads out of the root through a link (or loops).";
        readonly fix: "Make the link relative and inside the root, or remove it.";
    };
    readonly "keygen/key-exists": {
        readonly meaning: "The key file exists; it is never overwritten without --force.";
        readonly fix: "Keep it, or --force to make a new one (the relay's line changes).";
    };
    readonly "keygen/pub-link": {
        readonly meaning: "KEY.pub is a symbolic link: ssh-keygen would write through it.";
        readonly fix: "Remove the link.";
    };
    readonly "trust/no-host-keys": {
        readonly meaning: "ssh-keyscan got no host key from the server.";
        readonly fix: "Check the host and port, and that sshd runs there.";
    };
    readonly "generator/name-taken": {
        readonly meaning: "A unit of the tunnel's name exists on the manager's search path: the generator never takes another unit's name.";
        readonly fix: "Rename the tunnel.";
    };
    readonly "generator/scope": {
        readonly meaning: "A tunnel of the other scope (system or user) is skipped by this generator.";
        readonly fix: "Put user tunnels in the user spec directory, or change \"scope\".";
    };
    readonly "generator/many-units": {
        readonly meaning: "The generator made more tunnel units than one host was measured to start at once well within their start timeout: started together at boot, the last ones may time out and be retried.";
        readonly fix: "Keep each device's specs on that device, or keep one host at 200 or fewer tunnels.";
    };
    readonly "generator/foreign": {
        readonly meaning: "A file of the generator's name exists that tunnelc did not write: it is left alone.";
        readonly fix: "Remove it yourself if it is not needed.";
    };
    readonly "generator/memo": {
        readonly meaning: "generator keep did not keep the generator's memo of its last run: someone other than root could write it or a directory above it, it could not be read, or it is not of the form the generator writes. The next boot compiles the specs (as it would without a memo).";
        readonly fix: "Nothing, if the file is not the generator's; else make it and the directories above it root's alone (chown root, chmod go-w).";
    };
    readonly "generator/read": {
        readonly meaning: "The generator could not read a spec directory.";
        readonly fix: "Check its permissions.";
    };
    readonly "doctor/systemd": {
        readonly meaning: "systemd is missing, too old, or not running as the service manager.";
        readonly fix: "tunnelc needs a running systemd of the version doctor names.";
    };
    readonly "doctor/distro": {
        readonly meaning: "The distribution doctor ran on (reported, never a failure).";
        readonly fix: "Nothing to do.";
    };
    readonly "doctor/backoff": {
        readonly meaning: "A tunnel backs off (restart.maxDelaySec) on a systemd older than 254, which ignores it.";
        readonly fix: "Drop restart.maxDelaySec, or run systemd 254 or later.";
    };
    readonly "doctor/ssh": {
        readonly meaning: "ssh is missing or older than tunnelc needs.";
        readonly fix: "Install or upgrade the OpenSSH client.";
    };
    readonly "doctor/nss-systemd": {
        readonly meaning: "nss-systemd is missing: dynamic accounts do not resolve.";
        readonly fix: "Install libnss-systemd (Debian), or set user in the spec.";
    };
    readonly "doctor/sed": {
        readonly meaning: "/usr/bin/sed is missing: ssh's log does not reach the journal.";
        readonly fix: "Install sed, or link /usr/bin/sed to /bin/sed.";
    };
    readonly "doctor/identity": {
        readonly meaning: "A tunnel's key is missing or readable by others.";
        readonly fix: "Run the command in the hint.";
    };
    readonly "doctor/host-key": {
        readonly meaning: "The server's host key is pinned nowhere and known in no known_hosts.";
        readonly fix: "tunnelc trust SPEC.";
    };
    readonly "doctor/account": {
        readonly meaning: "The local account a tunnel runs as does not exist.";
        readonly fix: "Create it, or leave \"user\" out for a dynamic account.";
    };
    readonly "doctor/lingering": {
        readonly meaning: "Lingering is off: user units stop at logout.";
        readonly fix: "loginctl enable-linger USER.";
    };
    readonly "doctor/generator": {
        readonly meaning: "The installed generator cannot run: the node it names on its #! line, or the tunnelc it runs, is missing, or it cannot be read. The next boot and daemon-reload generate no tunnel units.";
        readonly fix: "tunnelc generator install (a generator in /etc), or reinstall the package that ships it.";
    };
    readonly "doctor/port": {
        readonly meaning: "A local forward's port is held by another program.";
        readonly fix: "Pick another port or stop that program.";
    };
    readonly "import/cannot-express": {
        readonly meaning: "The tunnel being imported does something a tunnelc spec cannot say, or must not: a remote command, ProxyCommand, -R 0, a program that is not ssh; the message names it and where it came from.";
        readonly fix: "Change the original as the message says (or write that part of the spec by hand), then import again.";
    };
    readonly "import/ssh-refused": {
        readonly meaning: "ssh -G, which reads the original's options for tunnelc, refused them: ssh itself would not run this command line or config.";
        readonly fix: "Fix what ssh's message names in the original; `ssh -G ARGS` shows the same.";
    };
    readonly "import/unexplained": {
        readonly meaning: "The spec import built would make OpenSSH do something other than the original in a way import cannot name: a mistake in tunnelc, so it stops instead of handing over that spec.";
        readonly fix: "Report it with the original; meanwhile write the spec by hand.";
    };
    readonly "usage/invalid": {
        readonly meaning: "The command line is wrong: an unknown command or option, a missing or bad value.";
        readonly fix: "Read the message; tunnelc COMMAND --help.";
    };
    readonly refused: {
        readonly meaning: "A change was refused before anything was touched.";
        readonly fix: "Read the message.";
    };
    readonly "system/io": {
        readonly meaning: "Reading or writing a file failed (a full disk, permissions, a read-only file system).";
        readonly fix: "Read the reason in the message.";
    };
    readonly "system/command": {
        readonly meaning: "A command tunnelc ran (systemctl, ssh-keygen…) failed; its own output follows.";
        readonly fix: "Read the command's message.";
    };
    readonly "system/missing-tool": {
        readonly meaning: "A program tunnelc needs is not installed.";
        readonly fix: "Install it, as the message says.";
    };
    readonly internal: {
        readonly meaning: "A bug in tunnelc.";
        readonly fix: "Report it with the spec and command that caused it (TUNNELC_DEBUG=1 shows the stack).";
    };
};
export type Code = keyof typeof CODES;
/** The code of a JSON Schema keyword's failure ("schema/type"), "schema/invalid" for others. */
/** One problem, exactly as `--json` reports it (src/envelope.ts `JsonDiagnostic`). */
export interface Diagnostic {
    severity: "error" | "warning";
    /** The registry's code (docs/codes.md): "schema/type", "rule/duplicate-name", "system/io"… */
    code: Code;
    /** The spec file (a path as given, or a text's `file`); null for a problem outside any file. */
    file: string | null;
    /** 1-based; null when the problem is not at a place in a spec. */
    line: number | null;
    column: number | null;
    /** The JSON pointer of the field ("" for the whole document); null outside a spec. */
    pointer: string | null;
    message: string;
}
/** A spec's text, with the file name its diagnostics carry (nothing is read from that path). */
export interface SpecSource {
    file: string;
    text: string;
}
/** A spec file's path (read as `tunnelc compile PATH` reads it), or a spec's text. */
export type Spec = string | SpecSource;
/** What every function returns: the `--json` envelope's two first fields. */
export interface Result {
    /** No errors (warnings may be in `diagnostics`): the CLI would have exited 0. */
    ok: boolean;
    diagnostics: Diagnostic[];
}
/** A compiled unit, as `compile --json -o -` lists it. */
export interface Unit {
    /** The tunnel's name. */
    name: string;
    /** The unit's file name, "NAME.service". */
    file: string;
    /** The manager it is for: "system" (/etc/systemd/system…) or "user" (~/.config/systemd/user…). */
    scope: "system" | "user";
    /** The base name of the spec file the tunnel came from (the unit's header names it too). */
    spec: string;
    /** The unit file's bytes, exactly as `tunnelc compile -o DIR` writes them. */
    text: string;
}
export interface CompileOptions {
    /** Only the tunnel (or fleet device) of this name, as `--only`; the whole spec is still checked. */
    only?: string;
}
export interface CompileResult extends Result {
    /** Every tunnel's unit; empty when ok is false. */
    units: Unit[];
}
export interface ValidateResult extends Result {
    /** Per spec, in the order given; empty when a spec could not be read at all. */
    specs: {
        file: string;
        ok: boolean;
        tunnels: string[];
        diagnostics: Diagnostic[];
    }[];
}
export interface RelayOptions {
    /** The sshd_config.d Match block instead of authorized_keys (`--sshd-config`). */
    sshdConfig?: boolean;
    /** The relay's MaxStartups and LoginGraceTime for the fleet (`--sshd-limits`). */
    sshdLimits?: boolean;
    /** With sshdLimits: the relay's OpenSSH version, as `sshd -V` prints it or "9.8" (`--openssh`). */
    openssh?: string;
    /** The relay's sysctl.d file (`--sysctl`). */
    sysctl?: boolean;
    /** Only this tunnel or device (`--only`). */
    only?: string;
    /** Only the tunnels to this relay of a fleet's "relays" (`--relay`). */
    relay?: string;
}
/** Exactly one of the four files is given when ok is true: the one the options asked for. */
export interface RelayResult extends Result {
    authorizedKeys?: string;
    sshdConfig?: string;
    sshdLimits?: string;
    sysctl?: string;
}
export interface SshConfigOptions {
    only?: string;
    relay?: string;
    /** Your own account on the relay (`--relay-user`; default: the devices' relay account). */
    relayUser?: string;
}
export interface SshConfigResult extends Result {
    /** The laptop's Host blocks; absent when ok is false. */
    sshConfig?: string;
}
/** What each code means and what to do about it (docs/codes.md is generated from the same table). */
export declare const codes: Readonly<Record<Code, {
    readonly meaning: string;
    readonly fix?: string;
}>>;
/** The installed tunnelc's version (package.json). */
export declare const version: string;
/** The JSON Schema specs are checked against, as `tunnelc schema` prints it (frozen). */
export declare const schema: Readonly<Record<string, unknown>>;
/** Spec files or texts → each tunnel's unit, as `tunnelc compile --json -o -`. */
export declare function compile(specs: Spec | readonly Spec[], options?: CompileOptions): CompileResult;
/** Every problem of each spec, as `tunnelc validate --json`. */
export declare function validate(specs: Spec | readonly Spec[]): ValidateResult;
/** The relay's authorized_keys (or one of its other files), as `tunnelc relay --json`. */
export declare function relay(specs: Spec | readonly Spec[], options?: RelayOptions): RelayResult;
/** The laptop's ~/.ssh/config Host blocks, as `tunnelc ssh-config --json`. */
export declare function sshConfig(specs: Spec | readonly Spec[], options?: SshConfigOptions): SshConfigResult;
