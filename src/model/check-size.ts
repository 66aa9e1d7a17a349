// A unit line systemd cannot read. systemd reads unit files a line at a time, each less than
// LONG_LINE_MAX = 1 MiB (src/basic/fileio.h); a longer line fails the unit's load, so the tunnel
// would be "not-found" at boot. The long lines are ExecStart= (options, forwards, jump hosts)
// and StandardInputText= (a pinned host key with its host, a line of the -F config).
// This bound is checked on the model, without rendering: every value at most doubles when
// escaped (quotes, "\", "%%", "$$"), each key line repeats its host, and the fixed text of a unit
// is far below 64 KiB. A tunnel within it renders every line below the limit; render/unwritable.ts
// checks the rendered lines exactly, as the last line of defence. Pure.
import { Problems, type Problem } from "../specfile/problem.ts";
import type { SourcedTunnel, Tunnel } from "./tunnel.ts";

export const LONG_LINE_MAX = 1024 * 1024;
const FIXED = 64 * 1024;

/** An upper bound of the bytes of the tunnel's longest unit line. */
export function lineBound(t: Tunnel): number {
  const hops = [t.server, ...t.server.jump];
  const keys = hops.reduce((n, h) => n + h.hostKeys.length, 0);
  const host = Math.max(...hops.map((h) => h.host.length));
  return 2 * Buffer.byteLength(JSON.stringify(t), "utf8") + keys * 2 * (3 * host + 16) + FIXED;
}

export function checkSize(file: string, tunnels: SourcedTunnel[]): Problem[] {
  const out = new Problems(file);
  for (const { tunnel, pointer } of tunnels) {
    const bound = lineBound(tunnel);
    if (bound < LONG_LINE_MAX) continue;
    const keys = [tunnel.server, ...tunnel.server.jump].reduce(
      (n, h) => n + h.hostKeys.reduce((m, k) => m + k.length, 0),
      0,
    );
    out.add(
      "error",
      "rule/unit-line-too-long",
      keys * 2 > bound / 2 ? `${pointer}/server/hostKeys` : pointer,
      `this tunnel's host keys, jump hosts, forwards and options would make a unit line of up to ${bound} bytes; systemd reads lines of less than ${LONG_LINE_MAX} bytes (LONG_LINE_MAX) and would not load the unit: pin fewer or shorter keys, or use fewer jump hosts`,
    );
  }
  return out.list;
}
