// The escaper as a table: argv word → the text that must stand in ExecStart=
// (systemd.service(5) "Command lines", systemd.syntax(7)).
import { test } from "node:test";
import assert from "node:assert/strict";
import { EscapeError, escapeValue, quoteCommandLine, quoteWord } from "../src/unit/escape.ts";
import { CommandLineBuilder, specifier, type Word } from "../src/unit/command-line.ts";

const WORDS: [string, Word, string][] = [
  ["plain word", ["-N"], "-N"],
  ["option with =", ["ServerAliveInterval=60"], "ServerAliveInterval=60"],
  ["percent is doubled", ["100%"], "100%%"],
  ["dollar is doubled", ["$HOME"], "$$HOME"],
  ["braced variable", ["${X}"], "$${X}"],
  ["space quotes the word", ["a b"], '"a b"'],
  ["tab is refused elsewhere; space only here", ["a  b"], '"a  b"'],
  ["double quote is escaped inside quotes", ['say "hi"'], '"say \\"hi\\""'],
  ["single quote is quoted", ["it's"], '"it\'s"'],
  ["backslash is escaped inside quotes", ["a\\b"], '"a\\\\b"'],
  ["backslash and percent", ["%\\"], '"%%\\\\"'],
  ["empty word", [""], '""'],
  ["lone semicolon would separate commands", [";"], '";"'],
  ["semicolon inside a word is fine", ["a;b"], "a;b"],
  ["specifier part is kept", [specifier("d"), "/key"], "%d/key"],
  ["specifier next to an escaped percent", [specifier("S"), "/50%"], "%S/50%%"],
  [
    "specifier in a quoted word",
    ["UserKnownHostsFile=", specifier("S"), "/k ~/.ssh/known_hosts"],
    '"UserKnownHostsFile=%S/k ~/.ssh/known_hosts"',
  ],
  ["unicode stays as is", ["héllo"], "héllo"],
  ["leading dash is fine after the first word", ["-oProxyCommand=x"], "-oProxyCommand=x"],
  ["glob characters need nothing", ["*:8080"], "*:8080"],
];

for (const [name, word, expected] of WORDS) {
  test(`quoteWord: ${name}`, () => assert.equal(quoteWord(word, false), expected));
}

const FIRST: [string, Word, string | null][] = [
  ["absolute path", ["/usr/bin/ssh"], "/usr/bin/ssh"],
  ["path with a space", ["/opt/my ssh/ssh"], '"/opt/my ssh/ssh"'],
  ["path with percent", ["/opt/100%/ssh"], "/opt/100%%/ssh"],
  ["prefix '-' cannot be quoted away", ["-/usr/bin/ssh"], null],
  ["prefix '@'", ["@/usr/bin/ssh"], null],
  ["prefix '!'", ["!/usr/bin/ssh"], null],
  ["relative name", ["ssh"], null],
  ["a directory", ["/usr/bin/"], null],
  ["quote in the executable", ['/opt/a"b'], null],
  ["backslash in the executable", ["/opt/a\\b"], null],
  ["specifier first", [specifier("d"), "/ssh"], null],
];

for (const [name, word, expected] of FIRST) {
  test(`quoteWord (executable): ${name}`, () => {
    if (expected === null) assert.throws(() => quoteWord(word, true), EscapeError);
    else assert.equal(quoteWord(word, true), expected);
  });
}

// The "-" prefix (failure ignored) is written by the builder, before the checked executable: the
// executable itself can never carry one.
const PREFIXED: [string, (string | Word)[], "-" | undefined, string[] | null][] = [
  ["'-' before the path", ["/usr/bin/sed", "-n"], "-", ["-/usr/bin/sed", "-n"]],
  ["'-' before a quoted path", ["/opt/my sed", "p"], "-", ['-"/opt/my sed"', "p"]],
  ["no prefix", ["/usr/bin/sed"], undefined, ["/usr/bin/sed"]],
  ["still no relative executable", ["sed"], "-", null],
];
for (const [name, words, prefix, expected] of PREFIXED) {
  test(`quoteCommandLine with a prefix: ${name}`, () => {
    const line = new CommandLineBuilder().group(...words).build(prefix);
    if (expected === null) assert.throws(() => quoteCommandLine(line), EscapeError);
    else assert.deepEqual(quoteCommandLine(line), expected);
  });
}

const CONTROL = ["a\nb", "a\rb", "a\u0000b", "a\tb", "a\u007fb", "\u001b[31m"];
for (const bad of CONTROL) {
  test(`control characters are refused: ${JSON.stringify(bad)}`, () => {
    assert.throws(() => quoteWord([bad], false), EscapeError);
    assert.throws(() => escapeValue(bad), EscapeError);
  });
}

const VALUES: [string, string, string | null][] = [
  ["plain", "SSH tunnel home", "SSH tunnel home"],
  ["percent", "100% up", "100%% up"],
  ["dollar is literal outside Exec", "$HOME", "$HOME"],
  ["quotes are literal", 'a "b"', 'a "b"'],
  ["trailing backslash would continue the line", "a\\", null],
  ["edge white space would be dropped", " a", null],
  ["empty resets a list setting", "", ""],
];
for (const [name, value, expected] of VALUES) {
  test(`escapeValue: ${name}`, () => {
    if (expected === null) assert.throws(() => escapeValue(value), EscapeError);
    else assert.equal(escapeValue(value), expected);
  });
}

test("a quoted word is the same the second time, and the memo never skips the executable's checks", () => {
  const sed = ['s|a b \\1 "x" 100% $HOME|p'];
  const once = quoteWord(sed, false);
  assert.equal(quoteWord(sed, false), once);
  assert.equal(once, '"s|a b \\\\1 \\"x\\" 100%% $$HOME|p"');
  // The same text as the first word: refused (a relative path, a quote), memo or not.
  assert.throws(() => quoteWord(sed, true), EscapeError);
  // A word with a control character is refused every time: refusals are not remembered.
  for (let i = 0; i < 2; i++) assert.throws(() => quoteWord(["a\nb c"], false), EscapeError);
});
