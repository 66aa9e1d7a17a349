// Issue 16 §8: `tunnelc trust` on a spec that is a symbolic link (an /etc/tunnelc entry linked to
// a checkout) writes the keys to the file the link names, atomically beside it, with its mode
// and owner; the link stays a link. ssh-keyscan is recorded, as in trust.test.ts.
import { edgeOf } from "../src/edge/edge.ts";
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTrust } from "../src/commands/trust.ts";
import type { Runner } from "../src/edge/systemctl.ts";

const ED = "AAAAC3NzaC1lZDI1NTE5AAAAICrEM716nxe4LfvKB6vD0AJ/7XlaayCe0GE1zFcdYHA3";
const keyscan: Runner = {
  run: () => ({ status: 0, stdout: `relay.example.net ssh-ed25519 ${ED}\n`, stderr: "" }),
};

const SPEC = JSON.stringify(
  {
    name: "a",
    server: { host: "relay.example.net" },
    identity: "/etc/tunnelc/keys/a",
    forwards: [{ remote: 2222, to: "localhost:22" }],
  },
  null,
  2,
);

const LINKS: { name: string; link: (checkout: string) => string }[] = [
  { name: "a relative link", link: () => "../checkout/a.json" },
  { name: "an absolute link", link: (checkout) => join(checkout, "a.json") },
  { name: "a link to a link", link: () => "../checkout/current.json" },
];

for (const c of LINKS) {
  test(`trust through ${c.name}: the target gets the keys, keeps its mode and owner; the link stays`, () => {
    const base = mkdtempSync(join(tmpdir(), "tunnelc-trust-link-"));
    const checkout = join(base, "checkout");
    const etc = join(base, "etc");
    mkdirSync(checkout);
    mkdirSync(etc);
    const target = join(checkout, "a.json");
    writeFileSync(target, SPEC);
    chmodSync(target, 0o640);
    // Another owner, when we may give it one (root): trust must keep it.
    const owner = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
    if (owner) chownSync(target, owner.uid, owner.gid);
    symlinkSync("a.json", join(checkout, "current.json"));
    const link = join(etc, "a.json");
    const to = c.link(checkout);
    symlinkSync(to, link);
    const out = runTrust({ spec: link, dryRun: false, json: false }, edgeOf({ runner: keyscan }));
    assert.ok(lstatSync(link).isSymbolicLink(), "the link is still a link");
    assert.equal(readlinkSync(link), to);
    assert.match(readFileSync(target, "utf8"), new RegExp(ED.replace(/[+/]/g, "\\$&")));
    assert.equal(statSync(target).mode & 0o777, 0o640);
    if (owner) assert.deepEqual({ uid: statSync(target).uid, gid: statSync(target).gid }, owner);
    assert.ok(lstatSync(join(checkout, "current.json")).isSymbolicLink());
    assert.deepEqual(readdirSync(etc), ["a.json"], "no temp file left beside the link");
    assert.deepEqual(readdirSync(checkout).sort(), ["a.json", "current.json"]);
    assert.match(out.stdout, /a link: written to .*checkout\/a\.json/);
  });
}
