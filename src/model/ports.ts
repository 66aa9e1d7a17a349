// Relay ports for "remote": "auto" forwards, from the fleet's "ports" range. Each request
// prefers the port its own name hashes to, so a device keeps its port however many devices are
// added or removed; only two devices wanting the same port move one of them (the later name, to
// the next free port). Ports the spec binds explicitly on the same relay are never handed out.
// Pure.

export interface PortRequest {
  /** Identity: the tunnel's name and the forward's index. */
  key: string;
  /** What the preferred port is hashed from: the device's name and the forward's index. */
  seed: string;
  /** The relay ("host:port") the port is opened on. */
  relay: string;
}

export interface Range {
  from: number;
  to: number;
}

/** FNV-1a: small, stable across machines and Node versions. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function allocatePorts(
  requests: PortRequest[],
  range: Range,
  taken: ReadonlyMap<string, ReadonlySet<number>>,
): Map<string, number> | { exhausted: PortRequest } {
  const size = range.to - range.from + 1;
  // Each request hashed once, not twice per comparison of the sort.
  const prefer = new Map(requests.map((r) => [r, range.from + (fnv1a(r.seed) % size)]));
  const preferred = (r: PortRequest) => prefer.get(r)!;
  const order = [...requests].sort(
    (a, b) => preferred(a) - preferred(b) || (a.key < b.key ? -1 : 1),
  );
  const used = new Map<string, Set<number>>();
  const out = new Map<string, number>();
  for (const r of order) {
    const mine = used.get(r.relay) ?? new Set(taken.get(r.relay) ?? []);
    used.set(r.relay, mine);
    const start = preferred(r) - range.from;
    let port: number | undefined;
    for (let i = 0; i < size && port === undefined; i++) {
      const p = range.from + ((start + i) % size);
      if (!mine.has(p)) port = p;
    }
    if (port === undefined) return { exhausted: r };
    mine.add(port);
    out.set(r.key, port);
  }
  return out;
}
