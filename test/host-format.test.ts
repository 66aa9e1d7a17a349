// How hosts are written for ssh, as tables: the known_hosts pattern (sshd(8) "SSH_KNOWN_HOSTS
// FILE FORMAT"), IPv6 brackets, and the -J / ProxyJump form (ssh(1) -J).
import { test } from "node:test";
import assert from "node:assert/strict";
import { bracket, formatJump, knownHostsPattern, unbracket } from "../src/model/host-format.ts";
import type { Hop } from "../src/model/tunnel.ts";

const PATTERNS: [string, number, string][] = [
  ["relay.example.net", 22, "relay.example.net"],
  ["relay.example.net", 2200, "[relay.example.net]:2200"],
  ["192.0.2.1", 22, "192.0.2.1"],
  ["192.0.2.1", 2222, "[192.0.2.1]:2222"],
  ["2001:db8::1", 22, "2001:db8::1"],
  ["2001:db8::2", 22022, "[2001:db8::2]:22022"],
];

for (const [host, port, expected] of PATTERNS) {
  test(`knownHostsPattern(${host}, ${port})`, () =>
    assert.equal(knownHostsPattern(host, port), expected));
}

const BRACKETS: [string, string, string][] = [
  // [as written, unbracketed, bracketed]
  ["[::1]", "::1", "[::1]"],
  ["::1", "::1", "[::1]"],
  ["[2001:db8::1]", "2001:db8::1", "[2001:db8::1]"],
  ["relay.example.net", "relay.example.net", "relay.example.net"],
  ["127.0.0.1", "127.0.0.1", "127.0.0.1"],
  ["*", "*", "*"],
  // Only a whole pair of brackets is taken off (the schema refuses a lone one).
  ["[::1", "[::1", "[[::1]"],
];

for (const [written, bare, wrapped] of BRACKETS) {
  test(`unbracket(${written}) and bracket`, () => {
    assert.equal(unbracket(written), bare);
    assert.equal(bracket(unbracket(written)), wrapped);
  });
}

const JUMPS: [Hop, string][] = [
  [{ host: "bastion.example.net", port: 22 }, "bastion.example.net"],
  [{ host: "bastion.example.net", port: 2022, user: "jump" }, "jump@bastion.example.net:2022"],
  [{ host: "2001:db8::1", port: 22 }, "[2001:db8::1]"],
  [{ host: "2001:db8::2", port: 22022 }, "[2001:db8::2]:22022"],
  [{ host: "192.0.2.1", port: 22, user: "me" }, "me@192.0.2.1"],
];

for (const [hop, expected] of JUMPS) {
  test(`formatJump → ${expected}`, () => assert.equal(formatJump(hop), expected));
}
