// Tunnel → the ssh command line, as an argv array (ssh(1)). Words are grouped so the rendered
// ExecStart= reads one concern per line; escaping happens later, in src/unit/escape.ts.
import {
  CommandLineBuilder,
  specifier,
  type CommandLine,
  type Word,
} from "../unit/command-line.ts";
import { formatEndpoint } from "../spec/endpoint.ts";
import { formatJump } from "../spec/host-format.ts";
import type { Endpoint, Forward, Tunnel } from "../spec/tunnel.ts";
import { CREDENTIALS, knownHostsFiles } from "./credentials.ts";

const FLAGS = { remote: "-R", local: "-L", dynamic: "-D" } as const;

export function sshCommandLine(t: Tunnel): CommandLine {
  const b = new CommandLineBuilder();
  b.group(t.ssh.path, "-N", "-T", ...(t.compression ? ["-C"] : []));
  // The jump hosts' connections read the tunnel's options from this file (credentials.ts).
  if (t.server.jump.length > 0) b.group("-F", [specifier("d"), `/${CREDENTIALS.sshConfig}`]);
  b.group(
    ...option(`ServerAliveInterval=${t.keepAlive.interval}`),
    ...option(`ServerAliveCountMax=${t.keepAlive.countMax}`),
  );
  // A tunnel whose forward failed must die and be restarted, not linger half-up; a service can
  // never answer a prompt.
  b.group(...option("ExitOnForwardFailure=yes"), ...option("BatchMode=yes"));
  for (const group of hostKeyOptions(t)) b.group(...group);
  if (t.identity !== undefined) {
    b.group("-i", [specifier("d"), `/${CREDENTIALS.identity}`], ...option("IdentitiesOnly=yes"));
  }
  for (const [name, value] of t.ssh.options) b.group(...option(`${name}=${value}`));
  if (t.server.jump.length > 0) b.group("-J", t.server.jump.map(formatJump).join(","));
  for (const f of t.forwards) b.group(FLAGS[f.kind], forwardSpec(f));
  b.group(
    ...(t.server.user !== undefined ? ["-l", t.server.user] : []),
    "-p",
    String(t.server.port),
    "--",
    t.server.host,
  );
  return b.build();
}

function option(text: string | Word): Word[] {
  return [["-o"], typeof text === "string" ? [text] : text];
}

/** StrictHostKeyChecking, then (when tunnelc manages them) the known_hosts files. */
function hostKeyOptions(t: Tunnel): Word[][] {
  const strict = option(
    `StrictHostKeyChecking=${t.hostKeyPolicy === "accept-new" ? "accept-new" : "yes"}`,
  );
  const files = knownHostsFiles(t);
  if (files === undefined) return [strict];
  const words = option(["UserKnownHostsFile=", ...files.user]);
  if (files.global !== undefined) words.push(...option(`GlobalKnownHostsFile=${files.global}`));
  // The pinned file is a read-only credential: ssh must not try to rewrite it.
  if (t.hostKeyPolicy === "pinned") words.push(...option("UpdateHostKeys=no"));
  return [strict, words];
}

/** The -R/-L/-D argument: bind[:to], each "address:port", "port" or a socket path. */
export function forwardSpec(f: Forward): string {
  return f.kind === "dynamic"
    ? formatEndpoint(f.bind)
    : `${formatEndpoint(f.bind)}:${target(f.to)}`;
}

function target(e: Endpoint): string {
  return e.kind === "tcp" && e.address === undefined ? `localhost:${e.port}` : formatEndpoint(e);
}
