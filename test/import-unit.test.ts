// The unit side of import: reading a unit (and systemctl cat output) as systemd.syntax(7) says,
// specifiers, Environment= and EnvironmentFile=, and ExecStart= words. systemd itself is the
// oracle for the words (systemd --test, test/helpers/systemd.ts): every line of the table is
// read by both and must give the same argv.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readUnitText } from "../src/import/unit-text.ts";
import { expandSpecifiers } from "../src/import/specifiers.ts";
import { readExec } from "../src/import/exec-words.ts";
import { environmentAssignments, environmentFile } from "../src/import/environment.ts";
import { spanSeconds } from "../src/import/unit-directives.ts";
import { needs } from "./helpers/prereq.ts";
import { dumpCommandLines, hasSystemdTest, withUnitDir } from "./helpers/systemd.ts";

/** ExecStart= values (specifiers and all, no $VAR: systemd --test shows them unexpanded). */
const LINES = [
  "/usr/bin/ssh -N -R 2222:localhost:22 me@relay.example.net",
  "/usr/bin/ssh -o \"ServerAliveInterval 30\" -o 'ServerAliveCountMax 3' h",
  '/usr/bin/ssh -o "Proxy\\x41 \\"q\\"" a"b"c \'d e\'f h',
  "-/usr/bin/ssh -N h",
  "@/usr/bin/ssh ssh-tunnel -N h",
  "/usr/bin/ssh -F %E/tunnel/%i.conf -- %i",
  "/usr/bin/ssh -N -l %p %I.example.net -o Tag=%j/%J/%n/%N/%f",
  "/usr/bin/ssh -E %L/t.log -o IdentityFile=%S/k/%%d %C %T %V %t",
  "/usr/bin/ssh a\\sb \\101 \\u00e9 x\\qy",
  "/usr/bin/ssh -N \\\n    -R 1:a:2 \\\n    h",
  // Rows from a second, independent reading of systemd.service(5) (quotes mid-word, escapes in
  // and out of quotes, ";" escaped and quoted, comment lines in a continuation, a relative path).
  '/usr/bin/ssh "a b" \'c d\' e"f g"h',
  "/usr/bin/ssh \\x41 \\u00e9 \\s \\101 \"\\x41\" '\\x41' \\x25n",
  "/usr/bin/ssh a\\;b \\; \";\" '\\;' x;",
  "   /usr/bin/ssh    a\t b  ",
  "/usr/bin/ssh\\x20x y",
  '/usr/bin/ssh -o "ProxyCommand=ssh -W %%h:%%p jump" host',
  "/usr/bin/ssh a \\\n# a comment line inside\n  b \\\n; c",
  "/usr/bin/ssh \\q 'x\\zy'",
  "/usr/bin/../bin/ssh x",
  '"/usr/bin/ssh" x',
];

const UNIT = "tun-nel@in\\x2dst.service";
const NAME = { full: UNIT, prefix: "tun-nel", instance: "in\\x2dst" };

function ours(line: string): string[] {
  const text = `[Service]\nExecStart=${line}\n`;
  const d = readUnitText("t.service", text).directives[0];
  assert.ok(d);
  const words = readExec(d.value, {}, (w) => expandSpecifiers(w, NAME));
  assert.ok(words.ok, line);
  return words.exec.argv;
}

test("ExecStart= words: systemd's own parser agrees, line by line", (t) => {
  if (!needs(t, "systemd --test", hasSystemdTest())) return;
  const files: Record<string, string> = {};
  LINES.forEach((line, i) => {
    files[`l${i}@.service`] = `[Service]\nType=oneshot\nExecStart=${line}\n`;
  });
  withUnitDir(files, (dir) => {
    const names = LINES.map((_, i) => `l${i}@in\\x2dst.service`);
    const dumped = dumpCommandLines(dir, names);
    LINES.forEach((line, i) => {
      const theirs = dumped.get(names[i]!)?.[0];
      assert.ok(theirs, `systemd read no ExecStart from ${line}`);
      // The unit's name differs (l0@…, not tun-nel@…): compare with ours for that name.
      const mine = (() => {
        const d = readUnitText("t", `[Service]\nExecStart=${line}\n`).directives[0]!;
        const name = { full: names[i]!, prefix: `l${i}`, instance: "in\\x2dst" };
        const w = readExec(d.value, {}, (x) => expandSpecifiers(x, name));
        assert.ok(w.ok);
        return w.exec.argv;
      })();
      // With "@", systemd's argv[0] is the second word; ours keeps the program there instead.
      assert.deepEqual(mine.slice(1), theirs.slice(1), line);
      if (!line.startsWith("@")) assert.equal(mine[0], theirs[0], line);
    });
  });
  // And the name-dependent specifiers for a name of our own choosing.
  assert.deepEqual(ours("/usr/bin/ssh %p %P %i %I %j %J %f %n %N"), [
    "/usr/bin/ssh",
    "tun-nel",
    "tun/nel",
    "in\\x2dst",
    "in-st",
    "nel",
    "nel",
    "/in-st",
    UNIT,
    "tun-nel@in\\x2dst",
  ]);
});

test("specifiers import cannot know are errors naming them", () => {
  for (const [text, want] of [
    ["ssh %H", /%H is not one import expands/],
    ["ssh %m", /%m is not one import expands/],
    ["ssh %", /a lone %/],
  ] as const) {
    const r = expandSpecifiers(text, NAME);
    assert.equal(r.ok, false, text);
    if (!r.ok) assert.match(r.message, want);
  }
  const named = expandSpecifiers("ssh -i %h/.ssh/k", { ...NAME, user: "pi" });
  assert.equal(named.ok, false);
  assert.deepEqual(expandSpecifiers("%u %h %U", NAME), { ok: true, text: "root /root 0" });
});

test("the environment: $NAME splits, ${NAME} stays one word, unset is nothing, $$ is $", () => {
  const env = { HOST: "me@relay", OPTS: "-p  2222 -C", SPACE: "a b" };
  const r = readExec(
    "/usr/bin/ssh $OPTS $UNSET ${SPACE} x${HOST}y $$HOST ${UNSET:-dflt} ${HOST:+alt} $HOST",
    env,
  );
  assert.ok(r.ok);
  assert.deepEqual(r.exec.argv, [
    "/usr/bin/ssh",
    "-p",
    "2222",
    "-C",
    "a b",
    "xme@relayy",
    "$HOST",
    "dflt",
    "alt",
    "me@relay",
  ]);
  const semi = readExec("/usr/bin/ssh h ; /bin/true", {});
  assert.equal(semi.ok, false);
  // A "$REST" word names the variable REST, all of it (systemd's replace_env_argv).
  const rest = readExec("/usr/bin/ssh $PORT:22 h", { PORT: "2222" });
  assert.ok(rest.ok);
  assert.deepEqual(rest.exec.argv, ["/usr/bin/ssh", "h"]);
  // What systemd sets when the service runs is not known to an import.
  for (const line of ["/usr/bin/ssh -i ${HOME}/k h", "/usr/bin/ssh -l $USER h"]) {
    const r = readExec(line, {});
    assert.equal(r.ok, false, line);
    if (!r.ok) assert.match(r.message, /is set by systemd when the service runs/);
  }
  assert.deepEqual(environmentAssignments('A=1 "B=two words" C=x\\ty bad-name=1'), [
    ["A", "1"],
    ["B", "two words"],
    ["C", "x\ty"],
  ]);
});

test("EnvironmentFile= text as systemd's env-file.c reads it", () => {
  const text = [
    "# a comment",
    "; another",
    "TARGET=jupiter",
    '  QUOTED = "a \\"b\\" \\$c"  ',
    "SINGLE='x y' ",
    "TRAIL=value   ",
    "CONT=one\\",
    "two",
    "export SKIPPED=1",
    "9BAD=1",
    "",
  ].join("\n");
  assert.deepEqual(environmentFile(text), [
    ["TARGET", "jupiter"],
    ["QUOTED", 'a "b" $c'],
    ["SINGLE", "x y"],
    ["TRAIL", "value"],
    ["CONT", "onetwo"],
  ]);
});

test("systemctl cat output: each file's directives, drop-ins after the unit", () => {
  const text = [
    "# /etc/systemd/system/tunnel.service",
    "[Service]",
    "ExecStart=/usr/bin/ssh -N -R 1:a:2 h",
    "",
    "# /etc/systemd/system/tunnel.service.d/override.conf",
    "[Service]",
    "ExecStart=",
    "ExecStart=/usr/bin/ssh -N -R 3:a:4 h",
    "",
  ].join("\n");
  const u = readUnitText("<stdin>", text);
  assert.deepEqual(u.files, [
    "/etc/systemd/system/tunnel.service",
    "/etc/systemd/system/tunnel.service.d/override.conf",
  ]);
  assert.deepEqual(
    u.directives.map((d) => [d.file.split("/").pop(), d.line, d.column, d.value]),
    [
      ["tunnel.service", 3, 11, "/usr/bin/ssh -N -R 1:a:2 h"],
      ["override.conf", 7, 11, ""],
      ["override.conf", 8, 11, "/usr/bin/ssh -N -R 3:a:4 h"],
    ],
  );
  // A continued value knows where each of its words came from.
  const c = readUnitText("u", "[Service]\nExecStart=/usr/bin/ssh \\\n  # skipped\n   -N h\n");
  const d = c.directives[0]!;
  // The backslash is read as a space (systemd.syntax(7)).
  assert.equal(d.value, "/usr/bin/ssh     -N h");
  assert.deepEqual(d.at(d.value.indexOf("-N")), { line: 4, column: 4 });
});

test("systemd.time(7) spans", () => {
  for (const [text, s] of [
    ["10", 10],
    ["10s", 10],
    ["1min 30s", 90],
    ["500ms", 0.5],
    ["2h", 7200],
    ["infinity", undefined],
    ["5 parsecs", undefined],
  ] as const)
    assert.equal(spanSeconds(text), s, text);
});
