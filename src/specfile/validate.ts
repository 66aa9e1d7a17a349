// Schema check: the standalone validator compiled at build time (scripts/build-validator.mjs),
// its errors turned into located, human messages. Collects every problem, never throws.
import { schemaCode } from "../codes.ts";
import type { ErrorObject } from "ajv";
import validateSchema from "./generated/validate.cjs";
import { escapePointer, unescapePointer } from "./parse.ts";
import { closest } from "./suggest.ts";
import NESTED from "./generated/nested-fields.json" with { type: "json" };
import { parseHop, parseJumpText } from "./endpoint.ts";
import type { Problem } from "./problem.ts";

type SchemaNode = Record<string, unknown>;

/** Every problem of the document; locate.ts reports each place and message once. */
export function validateDocument(value: unknown, file: string): Problem[] {
  if (validateSchema(value)) return [];
  const errors = relevantErrors(validateSchema.errors ?? []);
  return errors.map((e) => ({ ...toProblem(value, e), file }));
}

/**
 * Drop the noise: if/then bookkeeping, the "required" branches under an anyOf (whose own
 * description says what was expected), and "pattern" on a string already reported empty.
 */
function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  const at = (keyword: string) =>
    new Set(errors.filter((e) => e.keyword === keyword).map((e) => e.instancePath));
  const anyOfAt = at("anyOf");
  const emptyAt = at("minLength");
  // A value of the wrong type fails its field's type and then the type of the branch if/else
  // picked for it ("a string or an object", then "an object"): the widest one says it all.
  const widestType = new Map<string, ErrorObject>();
  for (const e of errors)
    if (e.keyword === "type" && typesOf(e) > typesOf(widestType.get(e.instancePath)))
      widestType.set(e.instancePath, e);
  return errors.filter(
    (e) =>
      e.keyword !== "if" &&
      !(e.keyword === "type" && widestType.get(e.instancePath) !== e) &&
      !(e.keyword === "required" && anyOfAt.has(e.instancePath)) &&
      !(e.keyword === "pattern" && emptyAt.has(e.instancePath)),
  );
}

/** How many types a "type" error allowed (0 for none). */
function typesOf(e: ErrorObject | undefined): number {
  const t = (e?.params as { type?: string | string[] } | undefined)?.type;
  return t === undefined ? 0 : typeof t === "string" ? t.split(",").length : t.length;
}

function toProblem(value: unknown, e: ErrorObject): Omit<Problem, "file"> {
  const pointer = e.instancePath;
  const p = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as SchemaNode;
  switch (e.keyword) {
    case "additionalProperties": {
      const key = String(p.additionalProperty);
      const allowed = Object.keys((parent.properties as SchemaNode | undefined) ?? {});
      const hint = closest(key, allowed);
      const home = hint ? undefined : nestedHome(key, parent, pointer);
      const message = hint
        ? `unknown field "${key}"; did you mean "${hint}"?`
        : home
          ? `unknown field "${key}" here; did you mean ${home}? (it belongs there)`
          : `unknown field "${key}"; expected one of: ${allowed.map((k) => `"${k}"`).join(", ")}`;
      return {
        severity: "error",
        code: "schema/unknown-field",
        pointer: `${pointer}/${escapePointer(key)}`,
        message,
        key: { parent: pointer, name: key },
      };
    }
    case "required":
      return {
        severity: "error",
        code: "schema/required",
        pointer,
        message: `missing required field "${String(p.missingProperty)}"`,
      };
    default:
      return {
        severity: "error",
        code: schemaCode(e.keyword),
        pointer,
        message: messageFor(e, parent, valueAt(value, pointer)),
      };
  }
}

/**
 * Where a field unknown on a tunnel lives one level down: a top-level "jump" is /server/jump,
 * "path" /ssh/path, "to" a forward's (a table scripts/build-validator.mjs reads off the schema).
 */
function nestedHome(key: string, parent: SchemaNode, pointer: string): string | undefined {
  const properties = (parent.properties as SchemaNode | undefined) ?? {};
  if (!("server" in properties && "forwards" in properties)) return undefined;
  const home = (NESTED as Record<string, string | undefined>)[key];
  return home === undefined ? undefined : `${pointer}${home}`;
}

function messageFor(e: ErrorObject, parent: SchemaNode, value: unknown): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "type":
      return `must be ${article(String(p.type))}, not ${typeName(value)}`;
    case "minimum":
      return `must be at least ${String(p.limit)} (got ${JSON.stringify(value)})`;
    case "maximum":
      return `must be at most ${String(p.limit)} (got ${JSON.stringify(value)})`;
    case "enum":
      return enumMessage(e.instancePath, value, p.allowedValues as unknown[]);
    case "minLength":
      return Number(p.limit) <= 1
        ? "must not be empty"
        : `must be at least ${String(p.limit)} characters long`;
    case "maxLength":
      return `is too long: at most ${String(p.limit)} characters`;
    case "pattern":
      return textFormMessage(e.schemaPath, value) ?? patternMessage(value, describe(parent));
    case "minItems":
      return `needs at least ${String(p.limit)} item(s)`;
    case "maxItems":
      return `has too many items: at most ${String(p.limit)}`;
    case "maxProperties":
      return `has too many fields: at most ${String(p.limit)}`;
    case "uniqueItems":
      return `items ${String(p.j)} and ${String(p.i)} are the same`;
    case "anyOf":
      return describe(parent) ?? "does not match any allowed form";
    case "propertyNames":
      return "has a field name that is not allowed";
    default:
      return e.message ?? "is not valid";
  }
}

function enumMessage(pointer: string, value: unknown, allowed: unknown[]): string {
  const list = allowed.map((v) => JSON.stringify(v)).join(", ");
  if (pointer.endsWith("/hostKeyPolicy") && value === "no") {
    return `"no" is not accepted: without host-key checking anyone on the path can impersonate the server and receive the tunnel; use one of ${list}`;
  }
  const hint = typeof value === "string" ? closest(value, allowed.map(String)) : undefined;
  return `must be one of ${list}${hint ? `; did you mean "${hint}"?` : ""} (got ${JSON.stringify(value)})`;
}

/** The reason the one reader of these forms gives (endpoint.ts), rather than the regex's verdict. */
function textFormMessage(schemaPath: string, value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  if (schemaPath.includes("/hopText/")) {
    const r = parseHop(value);
    return r.ok ? undefined : r.message;
  }
  if (schemaPath.includes("/jumpText/")) {
    const r = parseJumpText(value);
    return r.ok ? undefined : r.message;
  }
  if (schemaPath.includes("/keyPath/") && /^~|^\$HOME\b/.test(value)) {
    // The unit copies the key by this path at each start (render/handover.ts), no shell
    // involved: systemd expands no "~" (systemd.service(5) "Command lines").
    return `"${value.split("/")[0]}" is expanded by shells, not by systemd: the unit reads the key by an absolute path; write it out, e.g. "/home/USER/.ssh/id_ed25519" (or "/etc/tunnelc/keys/NAME", where tunnelc keygen puts keys)`;
  }
  return undefined;
}

function patternMessage(value: unknown, what: string | undefined): string {
  const s = typeof value === "string" ? value : "";
  if (/[\u0000-\u001f\u007f]/.test(s))
    return "must not contain control characters (newline, tab, NUL…)";
  if (s.startsWith("-")) return 'must not start with "-": ssh would read it as an option';
  const port = /(?:^|:)([0-9]+)$/.exec(s)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    return `port ${port} is out of range: ports are 1-65535`;
  }
  return what ? `is not valid: expected ${what}` : "is not in the expected form";
}

function describe(node: SchemaNode): string | undefined {
  const d = node.description;
  return typeof d === "string" ? d.charAt(0).toLowerCase() + d.slice(1) : undefined;
}

function article(type: string): string {
  const an = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);
  return type.split(",").map(an).join(" or ");
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "number") return `the number ${v}`;
  if (typeof v === "object") return "an object";
  return `${typeof v === "string" ? "the string" : "the " + typeof v} ${JSON.stringify(v)}`;
}

function valueAt(value: unknown, pointer: string): unknown {
  let v = value;
  for (const seg of pointer.split("/").slice(1)) {
    v = (v as Record<string, unknown> | undefined)?.[unescapePointer(seg)];
  }
  return v;
}
