// Every command line a compiled unit runs, in the order systemd's dump lists them
// (ExecStartPre=, ExecStart=, ExecStopPost=), built from the model: what the fuzz tests expect
// systemd to read back from the rendered text.
import type { Tunnel } from "../../src/model/tunnel.ts";
import { handedTexts } from "../../src/render/build-unit.ts";
import { handoverCommands } from "../../src/render/handover.ts";
import { logReplayCommand } from "../../src/render/log-replay.ts";
import { sshCommandLine } from "../../src/render/ssh-argv.ts";
import { expandWords } from "../../src/unit/command-line.ts";

export function expectedCommands(t: Tunnel, specifiers: Record<string, string>): string[][] {
  return [
    ...handoverCommands(t, handedTexts(t)).map((c) => expandWords(c, specifiers)),
    expandWords(sshCommandLine(t), specifiers),
    ...(t.logReplay === true ? [expandWords(logReplayCommand(t), specifiers)] : []),
  ];
}
