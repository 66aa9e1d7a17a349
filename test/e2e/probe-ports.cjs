// Run inside the booted container, in the relay's network namespace, by test/e2e/load.sh:
// how long until every relay port carries bytes again. Each port counts as back the first time
// a connection to 127.0.0.1:PORT gets the device sshd's banner ("SSH-2.0") through the tunnel.
// Ports not yet back are tried again in rounds, a few at a time (each device sshd has its own
// MaxStartups: a probe must not be what is refused), until all are back or the limit passes.
// Usage: node probe-ports.cjs SINCE_EPOCH_S LIMIT_S FIRST_PORT COUNT
// Prints one JSON line: { back, count, last (seconds from SINCE to the last port back, or null),
// missing: [ports] }.
"use strict";
const net = require("node:net");

const [since, limit, first, count] = process.argv.slice(2).map(Number);
const CONCURRENCY = 8;
const TRY_MS = 2000;
const backAt = new Map();
const deadline = (since + limit) * 1000;

function probe(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    let got = "";
    const done = (ok) => {
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), TRY_MS);
    s.on("data", (b) => {
      got += b.toString("latin1");
      if (got.length >= 7) done(got.startsWith("SSH-2.0"));
    });
    s.on("error", () => done(false));
    s.on("close", () => done(false));
  });
}

async function round(ports) {
  let next = 0;
  const worker = async () => {
    while (next < ports.length) {
      const port = ports[next++];
      if (await probe(port)) backAt.set(port, Date.now() / 1000);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function main() {
  const all = Array.from({ length: count }, (_, i) => first + i);
  for (;;) {
    const left = all.filter((p) => !backAt.has(p));
    if (left.length === 0 || Date.now() > deadline) break;
    const started = Date.now();
    await round(left);
    // At most about 4 rounds a second when everything is refused at once.
    const rest = 250 - (Date.now() - started);
    if (rest > 0) await new Promise((r) => setTimeout(r, rest));
  }
  const missing = all.filter((p) => !backAt.has(p));
  const last = missing.length === 0 ? Math.max(...backAt.values()) - since : null;
  process.stdout.write(
    `${JSON.stringify({ back: backAt.size, count, last: last === null ? null : Number(last.toFixed(1)), missing })}\n`,
  );
}

main();
