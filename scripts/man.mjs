// man/tunnelc.1, generated from docs/cli.md (the command reference) by a small Markdown → roff
// converter: headings, paragraphs, lists, code blocks, tables. test/docs.test.ts fails when it
// is stale and checks groff renders it without warnings. `npm run docs` rewrites it.
import { readFileSync } from "node:fs";

/** roff named characters for what the Markdown uses beyond ASCII (man(1) may not read UTF-8). */
const CHARS = {
  "…": "...",
  "—": "\\(em",
  "–": "\\(en",
  "→": "\\(->",
  "≤": "\\(<=",
  "≥": "\\(>=",
  "✓": "+",
  "✗": "x",
  "×": "\\(mu",
  "÷": "\\(di",
};
const esc = (s) =>
  s
    .replace(/\\/g, "\\e")
    .replace(/-/g, "\\-")
    .replace(/^([.'])/, "\\&$1")
    .replace(/[^\x00-\x7f]/g, (c) => CHARS[c] ?? "?");
const inline = (s) =>
  esc(s)
    .replace(/`([^`]+)`/g, "\\fB$1\\fR")
    .replace(/\*\*([^*]+)\*\*/g, "\\fB$1\\fR")
    .replace(/\[([^\]]+)\]\([^)]+\)/g, "$1");

/** man(1) renders 80 columns; a code block sits 11 in (the margin and .RS 4). */
const CODE_WIDTH = 80 - 11;

/**
 * A code line wider than the block, broken at spaces: a command line goes on after " \\", as sh
 * reads it; other lines go on indented by four.
 */
function fold(line, width) {
  const command = /^\s*(\$ )?tunnelc /.test(line);
  const lead = /^\s*/.exec(line)[0];
  const lines = [];
  let rest = line;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(" ", width - (command ? 2 : 0));
    if (cut <= lead.length + 4) break;
    lines.push(rest.slice(0, cut) + (command ? " \\" : ""));
    rest = `${lead}    ${rest.slice(cut + 1)}`;
  }
  return [...lines, rest];
}

export function manPage(version) {
  const md = readFileSync("docs/cli.md", "utf8").split("\n");
  const out = [
    `.TH TUNNELC 1 "" "tunnelc ${version}" "User Commands"`,
    ".SH NAME",
    "tunnelc \\- compile SSH tunnel specs into hardened systemd units, and install them",
  ];
  let inCode = false;
  let para = [];
  const flush = () => {
    if (para.length) out.push(".PP", inline(para.join(" ")));
    para = [];
  };
  for (const line of md) {
    if (line.startsWith("```")) {
      flush();
      out.push(inCode ? ".fi\n.RE" : ".RS 4\n.nf");
      inCode = !inCode;
      continue;
    }
    if (inCode) {
      out.push(...fold(line, CODE_WIDTH).map(esc));
      continue;
    }
    const h = /^(#+)\s+(.*)$/.exec(line);
    if (h) {
      flush();
      if (h[1] === "#") out.push(".SH SYNOPSIS");
      else out.push(h[1] === "##" ? `.SH ${inline(h[2].toUpperCase())}` : `.SS ${inline(h[2])}`);
      continue;
    }
    if (/^\|[-| ]+\|$/.test(line)) continue;
    if (line.startsWith("|")) {
      flush();
      const cells = line
        .split("|")
        .slice(1, -1)
        .map((c) => inline(c.trim()));
      out.push(".TP", cells[0], cells.slice(1).join(" \\(em "));
      continue;
    }
    const li = /^\s*(?:[-*]|\d+\.)\s+(.*)$/.exec(line);
    if (li) {
      flush();
      out.push(".IP \\(bu 2", inline(li[1]));
      continue;
    }
    if (line.trim() === "") flush();
    else para.push(line.trim());
  }
  flush();
  out.push(
    ".SH SEE ALSO",
    "\\fBsystemd.service\\fR(5), \\fBsystemd.exec\\fR(5), \\fBssh\\fR(1), \\fBssh_config\\fR(5)",
    "",
  );
  return out.join("\n");
}
