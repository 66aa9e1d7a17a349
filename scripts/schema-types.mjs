// TypeScript types from schemas/tunnel.schema.json, so that the types the code reads a spec as
// are the schema itself (src/specfile/raw.ts builds on them): one declaration of every field.
// Covers the parts of JSON Schema the file uses: $ref, type (and lists of types), enum,
// properties/required/additionalProperties, items, anyOf/oneOf, and if/then/else as a choice
// between forms. Written by scripts/build-validator.mjs at build time.

const name = (def) => `Schema${def[0].toUpperCase()}${def.slice(1)}`;
const refName = (ref) => name(ref.slice("#/$defs/".length));

const PRIMITIVE = {
  string: "string",
  integer: "number",
  number: "number",
  boolean: "boolean",
  null: "null",
};

/** The branch of an if/then/else that a value of JSON type `t` takes ({"if": {"type": t}}). */
function branchFor(node, t) {
  if (node.if === undefined) return undefined;
  const tested = node.if.type === undefined ? undefined : [node.if.type].flat();
  if (tested === undefined) return undefined;
  return tested.includes(t) ? node.then : node.else;
}

/** The forms of an if/then/else chain on "required" fields (a forward: remote, local or dynamic). */
function chainForms(node) {
  if (node?.if?.required === undefined) return [];
  return [node.then, ...chainForms(node.else)];
}

function typeOf(node, defs, indent) {
  if (node === undefined || node === true) return "unknown";
  if (node.$ref) return refName(node.$ref);
  if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (node.const !== undefined) return JSON.stringify(node.const);
  const union = node.anyOf ?? node.oneOf;
  // An anyOf of "required" lists only narrows an object; it adds no type.
  if (union && union.some((u) => u.type || u.$ref || u.properties))
    return union.map((u) => typeOf(u, defs, indent)).join(" | ");
  const types = node.type === undefined ? [] : [node.type].flat();
  if (types.length === 0) return "unknown";
  return types
    .map((t) => {
      const branch = branchFor(node, t);
      if (branch?.$ref) return refName(branch.$ref);
      if (t === "array") return `${wrap(typeOf(node.items ?? branch?.items, defs, indent))}[]`;
      if (t === "object") {
        if (node.properties) return objectType(node, defs, indent);
        const forms = chainForms(node);
        if (forms.length > 0) return forms.map((f) => typeOf(f, defs, indent)).join(" | ");
        return mapType(node, defs, indent);
      }
      return PRIMITIVE[t];
    })
    .join(" | ");
}

const wrap = (t) => (/[|&]/.test(t) ? `(${t})` : t);

function mapType(node, defs, indent) {
  const ap = node.additionalProperties;
  const value = ap && ap !== true ? typeOf(ap, defs, indent) : "unknown";
  return `Record<string, ${value}>`;
}

function objectType(node, defs, indent) {
  const pad = "  ".repeat(indent + 1);
  const required = new Set(node.required ?? []);
  const lines = Object.entries(node.properties).map(([key, prop]) => {
    const doc = prop.description
      ? `${pad}/** ${prop.description.replace(/\*\//g, "*\\/")} */\n`
      : "";
    const k = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key);
    return `${doc}${pad}${k}${required.has(key) ? "" : "?"}: ${typeOf(prop, defs, indent + 1)};`;
  });
  return `{\n${lines.join("\n")}\n${"  ".repeat(indent)}}`;
}

/** The module text: one exported type per $def. */
export function schemaTypes(schema) {
  const defs = schema.$defs;
  const out = [
    "// Generated from schemas/tunnel.schema.json by scripts/schema-types.mjs (npm run build).",
    "// Do not edit: change the schema.",
  ];
  for (const [def, node] of Object.entries(defs)) {
    if (node.description) out.push("", `/** ${node.description.replace(/\*\//g, "*\\/")} */`);
    else out.push("");
    out.push(`export type ${name(def)} = ${typeOf(node, defs, 0)};`);
  }
  return out.join("\n") + "\n";
}

/** Every default the schema declares, by the def and property path that holds it ("serverObject.port"). */
export function schemaDefaults(schema) {
  const found = {};
  for (const [def, node] of Object.entries(schema.$defs))
    for (const [key, prop] of Object.entries(node.properties ?? {})) {
      if (prop.default !== undefined) found[`${def}.${key}`] = prop.default;
      for (const [sub, p] of Object.entries(prop.properties ?? {}))
        if (p.default !== undefined) found[`${def}.${key}.${sub}`] = p.default;
    }
  return found;
}
