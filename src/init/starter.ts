// The starter spec init writes: the v1 form with a comment on every field, as JSONC. Pure.
import { basename } from "node:path";
import type { ForwardFlag } from "./forward-flag.ts";

export interface StarterOptions {
  name: string;
  host: string;
  port?: number;
  user?: string;
  forwards: ForwardFlag[];
  identity?: string;
  /** The identity's public half, for tunnelc relay's authorized_keys line. */
  publicKey?: string;
  localUser?: string;
  scope?: "user";
  /** The file the spec is written to, for the install command its comment gives. */
  file?: string;
}

/**
 * The install line of the starter's comment, as it works when run beside the spec: with no spec
 * named, install reads the spec directory (/etc/tunnelc), not this file.
 */
function installLine(o: StarterOptions): string {
  const spec = o.file === undefined ? "SPEC" : `./${basename(o.file)}`;
  return `tunnelc install ${spec}${o.scope === "user" ? " --user" : ""} --enable --now`;
}

const j = (v: unknown) => JSON.stringify(v);
const inline = (v: unknown) =>
  j(v).replace(/,"/g, ', "').replace(/":/g, '": ').replace(/^\{/, "{ ").replace(/\}$/, " }");

export function starterSpec(o: StarterOptions): string {
  const server = [
    `"host": ${j(o.host)}`,
    ...(o.port !== undefined && o.port !== 22 ? [`"port": ${o.port}`] : []),
    ...(o.user !== undefined ? [`"user": ${j(o.user)}`] : []),
  ];
  return [
    "// A tunnelc spec (docs/spec.md; `tunnelc schema` prints the JSON Schema for editors).",
    "// Check it with `tunnelc validate`, pin the server's host keys with `tunnelc trust`,",
    `// then \`${installLine(o)}\`${o.file === undefined ? " (SPEC: this file)" : " in this directory"}.`,
    "{",
    "  // The unit is <name>.service.",
    `  "name": ${j(o.name)},`,
    '  // Where ssh connects; `tunnelc trust` adds "hostKeys" to pin the server\'s keys.',
    `  "server": { ${server.join(", ")} },`,
    ...(o.identity !== undefined
      ? [
          "  // The private key: systemd copies it for ssh at each start (keep the file mode 0600).",
          `  "identity": ${j(o.identity)},`,
        ]
      : [
          '  // "identity": "/etc/tunnelc/keys/NAME",  the private key (tunnelc keygen NAME makes one);',
          "  // without it, the keys in the account's ~/.ssh.",
        ]),
    ...(o.publicKey !== undefined
      ? [
          "  // The key's public half: tunnelc relay writes the relay's authorized_keys line from it.",
          `  "publicKey": ${j(o.publicKey)},`,
        ]
      : []),
    ...(o.localUser !== undefined
      ? [
          "  // The local account ssh runs as (without it: a dedicated dynamic account).",
          `  "user": ${j(o.localUser)},`,
        ]
      : []),
    ...(o.scope !== undefined
      ? ["  // A user unit: systemctl --user runs it as you.", `  "scope": ${j(o.scope)},`]
      : []),
    "  // remote (-R): the server listens and connects back here; local (-L): this machine",
    "  // listens; dynamic (-D): a SOCKS proxy here.",
    `  "forwards": [${o.forwards.map(inline).join(", ")}],`,
    "  // What systemd does when ssh exits, and how ssh notices a dead connection.",
    '  "restart": { "policy": "on-failure", "delaySec": 10 },',
    '  "keepAlive": { "interval": 60, "countMax": 3 },',
    '  // The sandbox: "strict" (the default), "basic", or "none".',
    '  "hardening": "strict"',
    "}",
    "",
  ].join("\n");
}
