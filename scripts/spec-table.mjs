// docs/spec.md's field tables, from the schema's descriptions and defaults: the one declaration
// of each field (test/schema.test.ts holds the page equal to this; npm run docs writes it).
// A description may end in "Default: …" for a default the schema cannot state (one that depends
// on other fields); otherwise the default column is the schema's "default", "required" or "none".

const DEFAULT = /\s*Default: (.*?)\.?$/s;

function cell(text) {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function defaultOf(prop, required) {
  const said = DEFAULT.exec(prop.description ?? "");
  if (said) return said[1];
  if (required) return "required";
  if (prop.default === undefined) return "none";
  return typeof prop.default === "number" ? String(prop.default) : `\`${prop.default}\``;
}

function rows(props, required, prefix, expand) {
  const out = [];
  for (const [key, prop] of Object.entries(props)) {
    if (key === "$schema") continue;
    const name = `${prefix}${key}`;
    const nested = expand(key, prop);
    if (!nested || nested.row)
      out.push([
        `\`${name}\``,
        cell((prop.description ?? "").replace(DEFAULT, "")),
        defaultOf(prop, required.has(key)),
      ]);
    if (nested)
      out.push(
        ...rows(nested.properties, new Set(nested.required ?? []), `${name}.`, () => undefined),
      );
  }
  return out;
}

function table(rowsOf) {
  return [
    "| field | meaning | default |",
    "| --- | --- | --- |",
    ...rowsOf.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

/** The seed form's table and the v1 form's, as markdown (prettier aligns them). */
export function specTables(schema) {
  const d = schema.$defs;
  const seed = table(rows(d.seed.properties, new Set(d.seed.required), "", () => undefined));
  const v1 = table(
    rows(d.tunnel.properties, new Set(d.tunnel.required), "", (key, prop) => {
      // The server's object form, below its own row; objects of settings, by their fields only.
      if (key === "server") return { ...d.serverObject, row: true };
      if (prop.type === "object" && prop.properties && key !== "ssh-options") return prop;
      return undefined;
    }),
  );
  return { seed, v1 };
}

const MARK = (name, end) =>
  `<!-- ${name} fields ${end ? "end" : "begin"}: generated from the schema by npm run docs -->`;

/** docs/spec.md with each table between its markers replaced by the generated one. */
export function withSpecTables(page, schema) {
  const tables = specTables(schema);
  let out = page;
  for (const [name, text] of Object.entries(tables)) {
    const begin = out.indexOf(MARK(name, false));
    const end = out.indexOf(MARK(name, true));
    if (begin < 0 || end < 0) throw new Error(`docs/spec.md: no markers for the ${name} table`);
    out = `${out.slice(0, begin + MARK(name, false).length)}\n\n${text}\n\n${out.slice(end)}`;
  }
  return out;
}
