// Writes the generated part of the hostile-spec corpus into test/invalid/ (hostile-*.json):
// every string field with each control character, shell and systemd metacharacters in fields
// that must refuse them, option tricks, hostile names. test/invalid.test.ts checks each against
// its .txt golden (UPDATE_GOLDEN=1 writes them). Deterministic: rerunning gives the same files.
import { writeFileSync } from "node:fs";

const base = () => ({
  name: "t",
  server: {
    host: "relay.example.net",
    user: "relay",
    jump: [{ host: "jump.example.net", user: "j" }],
  },
  user: "tunnel",
  identity: "/etc/tunnelc/keys/t",
  forwards: [{ remote: "127.0.0.1:2222", to: "localhost:22" }],
  ssh: { path: "/usr/bin/ssh", options: { ConnectTimeout: "10" } },
});

/** Field setters: where a hostile string goes. */
const FIELDS = {
  name: (t, v) => (t.name = v),
  description: (t, v) => (t.description = v),
  "server.host": (t, v) => (t.server.host = v),
  "server.user": (t, v) => (t.server.user = v),
  "server.hostKeys": (t, v) => (t.server.hostKeys = [v]),
  "server.jump.host": (t, v) => (t.server.jump[0].host = v),
  "server.jump.user": (t, v) => (t.server.jump[0].user = v),
  user: (t, v) => (t.user = v),
  identity: (t, v) => (t.identity = v),
  "forwards.remote": (t, v) => (t.forwards[0].remote = v),
  "forwards.to": (t, v) => (t.forwards[0].to = v),
  "ssh.path": (t, v) => (t.ssh.path = v),
  "ssh.options.value": (t, v) => (t.ssh.options.ConnectTimeout = v),
  hostKeyPolicy: (t, v) => (t.hostKeyPolicy = v),
  hardening: (t, v) => (t.hardening = v),
};

/** A plausible value for a field, to which the hostile character is added. */
const PLAUSIBLE = {
  name: "tunnel",
  description: "a tunnel",
  "server.host": "relay.example.net",
  "server.user": "relay",
  "server.hostKeys":
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICrEM716nxe4LfvKB6vD0AJ/7XlaayCe0GE1zFcdYHA3",
  "server.jump.host": "jump.example.net",
  "server.jump.user": "j",
  user: "tunnel",
  identity: "/etc/tunnelc/keys/t",
  "forwards.remote": "127.0.0.1:2222",
  "forwards.to": "localhost:22",
  "ssh.path": "/usr/bin/ssh",
  "ssh.options.value": "10",
  hostKeyPolicy: "yes",
  hardening: "strict",
};

const CONTROL = { newline: "\n", cr: "\r", nul: "\u0000", tab: "\t", esc: "\u001b" };
const write = (name, value) =>
  writeFileSync(`test/invalid/hostile-${name}.json`, JSON.stringify(value, null, 2) + "\n");

// Every string field, each control character in its own tunnel (one file per field).
for (const [field, set] of Object.entries(FIELDS)) {
  const tunnels = Object.entries(CONTROL).map(([label, c], i) => {
    const t = base();
    t.name = `t${i}`;
    t.forwards[0].remote = `127.0.0.1:${3000 + i}`;
    set(
      t,
      field === "name"
        ? `t${i}${c}x`
        : `${PLAUSIBLE[field].slice(0, 3)}${c}${PLAUSIBLE[field].slice(3)}`,
    );
    t.description = field === "description" ? t.description : `control character ${label}`;
    return t;
  });
  write(`control-${field.replace(/\./g, "-")}`, { tunnels });
}

// Characters that mean something to systemd or a shell, where the field must refuse them.
const META = ["%i", "$HOME", '"', "'", "\\", " ", ";", "`id`", "$(id)", "|", "&", "*", "\u00a0"];
for (const field of [
  "name",
  "server.host",
  "server.user",
  "user",
  "identity",
  "server.jump.host",
]) {
  const tunnels = META.map((m, i) => {
    const t = base();
    t.name = `m${i}`;
    t.forwards[0].remote = `127.0.0.1:${4000 + i}`;
    FIELDS[field](t, field === "name" ? `m${i}${m}` : `${PLAUSIBLE[field]}${m}`);
    return t;
  });
  write(`meta-${field.replace(/\./g, "-")}`, { tunnels });
}

// Option tricks: leading dashes where ssh would read an option.
const DASH = ["-oProxyCommand=sh -c id", "-oLocalCommand=id", "--", "-l", "-F/dev/null"];
for (const field of [
  "server.host",
  "server.user",
  "server.jump.host",
  "server.jump.user",
  "user",
  "forwards.to",
]) {
  const tunnels = DASH.map((d, i) => {
    const t = base();
    t.name = `d${i}`;
    t.forwards[0].remote = `127.0.0.1:${5000 + i}`;
    FIELDS[field](t, field === "forwards.to" ? `${d}:22` : d);
    return t;
  });
  write(`dash-${field.replace(/\./g, "-")}`, { tunnels });
}

// Unit names that escape the unit directory or are not unit names.
write("names", {
  tunnels: [
    "..",
    ".",
    "../x",
    "a/b",
    "/abs",
    "x@y",
    "x.service/..",
    "-lead",
    "ümlaut",
    "a".repeat(201),
    "x\\y",
    "c:\\d",
  ].map((name, i) => {
    const t = base();
    t.name = name;
    t.forwards[0].remote = 6000 + i;
    return t;
  }),
});

// ssh.options that run commands or weaken host-key checking, in many spellings.
write("ssh-options", {
  ...base(),
  ssh: {
    options: {
      proxycommand: "nc %h %p",
      PROXYJUMP: "evil",
      KnownHostsCommand: "/bin/true",
      PermitLocalCommand: "yes",
      LocalCommand: "id",
      Match: "exec id",
      Include: "/tmp/x",
      StrictHostKeyChecking: "no",
      GlobalKnownHostsFile: "/dev/null",
      VerifyHostKeyDNS: "yes",
      PKCS11Provider: "/tmp/lib.so",
      SecurityKeyProvider: "/tmp/lib.so",
      ForwardAgent: "yes",
      RemoteCommand: "id",
      "Proxy-Command": "x",
    },
  },
});

// Huge values.
write("huge-values", {
  tunnels: [
    { ...base(), name: "a".repeat(5000) },
    { ...base(), name: "b", description: "d".repeat(5000) },
    { ...base(), name: "c", server: { host: "h".repeat(300) } },
    { ...base(), name: "e", forwards: [{ remote: 2 ** 53, to: "localhost:22" }] },
    { ...base(), name: "f", keepAlive: { interval: 1e9, countMax: -1 } },
    { ...base(), name: "g", restart: { delaySec: 1e12 } },
    {
      ...base(),
      name: "h",
      forwards: Array.from({ length: 300 }, (_, i) => ({ dynamic: 10000 + i })),
    },
  ],
});
