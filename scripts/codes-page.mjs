// docs/codes.md from the registry of codes (src/codes.ts): written by npm run docs, held equal
// to it by test/codes.test.ts.
const GROUPS = [
  ["read", "Reading spec files"],
  ["json", "JSON"],
  ["spec", "Files that are not specs"],
  ["schema", "The schema"],
  ["rule", "Rules across fields"],
  ["weak", "Warnings: choices that weaken a tunnel"],
  ["render", "Writing units"],
  ["relay", "The relay's and the laptop's files"],
  ["ends", "The relay's and the laptop's files"],
  ["install", "install"],
  ["uninstall", "uninstall"],
  ["status", "status"],
  ["root", "--root"],
  ["keygen", "keygen"],
  ["trust", "trust"],
  ["generator", "The generator"],
  ["doctor", "doctor"],
];

export function codesPage(codes) {
  const out = [
    "# Diagnostic codes",
    "",
    "Every problem and warning tunnelc reports carries one of these codes: in `--json` as",
    '`"code"`, and in the generator\'s status file. This page is generated from',
    "[`src/codes.ts`](../src/codes.ts) by `npm run docs`; a test fails when they differ.",
  ];
  let heading;
  for (const [code, info] of Object.entries(codes)) {
    const prefix = code.includes("/") ? code.split("/")[0] : "";
    const group = GROUPS.find(([p]) => p === prefix)?.[1] ?? "The run itself";
    if (group !== heading) out.push("", `## ${group}`);
    heading = group;
    out.push("", `### \`${code}\``, "", info.meaning, "", `Fix: ${info.fix}`);
  }
  return out.join("\n") + "\n";
}
