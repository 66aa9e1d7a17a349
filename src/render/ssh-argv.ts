// Tunnel → the ssh command line, as an argv array (ssh(1)). Words are grouped so the rendered
// ExecStart= reads one concern per line; escaping happens later, in src/unit/escape.ts.
import { CommandLineBuilder, type CommandLine } from "../unit/command-line.ts";
import { formatEndpoint } from "../specfile/endpoint.ts";
import { formatJump } from "../model/host-format.ts";
import { FORWARD_FLAG, type Endpoint, type Forward, type Tunnel } from "../model/tunnel.ts";
import { HANDOVER, handedFile } from "./handover.ts";
import { settingWords } from "./ssh-settings.ts";
import { sshLogPath } from "./log-replay.ts";
import { explicitLogin } from "../model/accounts.ts";

export function sshCommandLine(t: Tunnel): CommandLine {
  const b = new CommandLineBuilder();
  // -f: ssh goes to the background only once it is authenticated and, with ExitOnForwardFailure,
  // every forward is confirmed (ssh(1) -f), so Type=forking's start ends when the tunnel is up.
  // After the fork ssh's stderr is /dev/null, so its log goes elsewhere: -y, syslog, keeps it in
  // the journal (the seed form); -E, a file of the run that the unit replays into the journal
  // with the fix for a refused relay port (log-replay.ts). ssh(1) -y, -E.
  const log = t.logReplay === true ? ["-E", sshLogPath(t)] : ["-y"];
  b.group(t.ssh.path, "-f", ...log, "-N", "-T", ...(t.compression ? ["-C"] : []));
  // The jump hosts' connections read the tunnel's options from this file (ssh-settings.ts).
  if (t.server.jump.length > 0) b.group("-F", handedFile(t, HANDOVER.sshConfig));
  // Every -o option comes from the one table the -F config file is also written from.
  for (const words of settingWords(t)) b.group(...words);
  if (t.server.jump.length > 0) b.group("-J", t.server.jump.map(formatJump).join(","));
  for (const f of t.forwards) b.group(FORWARD_FLAG[f.kind], forwardSpec(f));
  const login = explicitLogin(t);
  b.group(
    ...(login !== undefined ? ["-l", login] : []),
    "-p",
    String(t.server.port),
    "--",
    t.server.host,
  );
  return b.build();
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
