// A fleet spec's text with one reverse tunnel per name (ports 2000, 2001, …), for tests that
// plan installs or status over a few tunnels; `extra` is merged into every tunnel.
export const fleetSpecText = (names: string[], extra: object = {}) =>
  JSON.stringify({
    tunnels: names.map((name, i) => ({
      name,
      server: { host: "relay.example.net" },
      identity: `/etc/tunnelc/keys/${name}`,
      forwards: [{ remote: 2000 + i, to: "localhost:22" }],
      ...extra,
    })),
  });
