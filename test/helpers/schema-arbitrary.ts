// A fast-check arbitrary of JSON values built from a JSON schema itself (draft 2020-12, the
// keywords schemas/tunnel.schema.json uses): $ref, allOf, anyOf, oneOf, if/then/else, type,
// enum, const, properties, required, additionalProperties, propertyNames, maxProperties, items,
// minItems, maxItems, uniqueItems, minimum, maximum, minLength, maxLength, pattern. Values are
// meant to pass the schema, leaning on the edges: boundary numbers, strings at their maximum
// length, many items, and the awkward text systemd and ssh care about, where the schema allows
// it. A keyword it does not know is an error, so a schema change cannot silently go unfuzzed.
import fc from "fast-check";

export type Schema = { [keyword: string]: unknown };

type JsonType = "object" | "array" | "string" | "integer" | "number" | "boolean" | "null";
const ALL_TYPES: JsonType[] = ["object", "array", "string", "integer", "boolean"];

/** Keywords read as data (annotations) or handled below; anything else is refused. */
const ANNOTATIONS = new Set(["$schema", "$id", "$defs", "title", "description", "default"]);
const STRUCTURAL = ["$ref", "allOf", "anyOf", "oneOf", "if", "then", "else"] as const;
const SIMPLE = new Set([
  "type",
  "enum",
  "const",
  "properties",
  "required",
  "additionalProperties",
  "propertyNames",
  "maxProperties",
  "minProperties",
  "items",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "pattern",
  // This module's own, for the negation of an `if` and for merged constraints.
  "x-notType",
  "x-forbidden",
  "x-patterns",
]);

/**
 * Text systemd or ssh read specially (systemd.syntax(7), systemd.service(5) "Command lines",
 * ssh_config(5)), kept only where a string's own schema accepts it.
 */
export const AWKWARD: readonly string[] = [
  "a\\",
  "a\\ ",
  "a\\\t",
  "\\ ",
  " a",
  "a ",
  " ",
  "  a  ",
  "\u00a0a\u00a0",
  "%",
  "%%",
  "%d",
  "%n",
  "%i",
  "a%",
  "$",
  "$$",
  "$HOME",
  "${HOME}",
  "a$",
  '"',
  "'",
  '"a b"',
  "'a b'",
  ";",
  "a;b",
  "\\;",
  "\\",
  "\\\\",
  "\\n",
  "\\x41",
  "é",
  "ß",
  "✓",
  "😀",
  "\u202e",
  "\u2028",
  "a b",
  "-a",
  "@",
  "-",
  "_",
  ".",
  "..",
  "a.",
  "a..b",
  "*",
  "0",
  "1",
  "22",
  "1023",
  "1024",
  "65535",
  "auto",
  "root",
  "nobody",
  "ssh",
  "sshd",
  "dbus",
  "localhost",
  "127.0.0.1",
  "0.0.0.0",
  "::",
  "::1",
  "[::1]",
  "2001:db8::1",
  "[2001:db8::1]",
  "::ffff:127.0.0.1",
  "[::ffff:127.0.0.1]",
  "1:2:3:4:5:6:7:8",
  "[fe80::1]",
  "*:1080",
  "[::]:1",
  "[::1]:65535",
  "127.0.0.1:1",
  "localhost:22",
  "a:1",
  "/",
  "//",
  "/a",
  "/a/",
  "/a//b",
  "/a/./b",
  "/a/../b",
  "/..",
  "/.",
  "/run/a b.sock",
  "/run/%d.sock",
  "/run/$x",
  "/run/a;b",
  "/run/é✓",
  "/usr/bin/ssh",
  "/opt/my ssh/bin/ssh",
  "/usr/bin/$HOME",
  "/x%y/z",
  "/etc/tunnelc/keys/id",
  "/etc/tunnelc/keys/../../shadow",
  "/etc/keys/a+b@c,d=e",
  "/-a",
  "/a ",
  "/a\\",
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICrEM716nxe4LfvKB6vD0AJ/7XlaayCe0GE1zFcdYHA3",
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICrEM716nxe4LfvKB6vD0AJ/7XlaayCe0GE1zFcdYHA3 a b ",
  "ssh-rsa AAAAB3NzaC1yc2E= (c)=x,y:z",
  "ssh-ed25519 A= -",
  "a@b",
  "a@b@c",
  "u@h:22",
  "u@[::1]:2222",
  "h1,h2",
  "a@h1:1,b@[::1]:2,c",
  "yes",
  "no",
  "ERROR",
  "+ssh-dss",
  "aes128-ctr,aes256-ctr",
  "lowdelay throughput",
  "1G 1h",
  "0077",
];

/** Put before or after a generated string. */
const EDGES = [
  " ",
  "  ",
  "\\",
  "\\ ",
  "\\\u00a0",
  "\u00a0",
  "\u2003",
  "%",
  "$",
  ";",
  '"',
  "'",
  "/",
];

/** Fillers for strings at (or one below) their maximum length. */
const LONG_FILL = ["a", "A", "1", "%", "$", "é", "/", ":", "\\", " ", "a b"];
const LONG_PREFIX = ["", "/", "a", "ssh-ed25519 ", "a@", "[::"];

export interface SchemaArbitraryOptions {
  /** Longest array generated, whatever maxItems says (keeps a 10,000-item list bounded). */
  maxArray?: number;
  /** Longest array of objects generated (a list of 256 tunnels is slow and all but never valid). */
  maxObjects?: number;
  /** Awkward strings to try beside AWKWARD. */
  awkward?: readonly string[];
}

/** Generates values that (mostly) pass `root`; `at` is a pointer into it ("#/$defs/tunnel"). */
export function arbitraryFromSchema(
  root: Schema,
  options: SchemaArbitraryOptions = {},
  at = "#",
): fc.Arbitrary<unknown> {
  const ctx: Ctx = {
    root,
    maxArray: options.maxArray ?? 256,
    maxObjects: options.maxObjects ?? options.maxArray ?? 256,
    awkward: [...AWKWARD, ...(options.awkward ?? [])],
  };
  return arbitraryOf(ctx, resolve(ctx, at), 0);
}

interface Ctx {
  root: Schema;
  maxArray: number;
  maxObjects: number;
  awkward: string[];
}

function resolve(ctx: Ctx, ref: string): Schema {
  if (!ref.startsWith("#")) throw new Error(`only local $refs are supported: ${ref}`);
  let node: unknown = ctx.root;
  for (const raw of ref.slice(1).split("/").filter(Boolean)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    node = (node as Schema | undefined)?.[key];
  }
  if (node === undefined || typeof node !== "object") throw new Error(`unresolved $ref ${ref}`);
  return node as Schema;
}

function checkKeywords(s: Schema): void {
  for (const k of Object.keys(s)) {
    if (ANNOTATIONS.has(k) || SIMPLE.has(k) || (STRUCTURAL as readonly string[]).includes(k))
      continue;
    throw new Error(
      `schema keyword "${k}" is not fuzzed yet: teach test/helpers/schema-arbitrary.ts`,
    );
  }
}

const asArray = <T>(v: T | T[] | undefined): T[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** `base` and the simple (non-structural) keywords of `s`, as one schema; undefined if impossible. */
function mergeSimple(base: Schema, s: Schema): Schema | undefined {
  const out: Schema = { ...base };
  for (const [key, v0] of Object.entries(s)) {
    if (ANNOTATIONS.has(key) || (STRUCTURAL as readonly string[]).includes(key)) continue;
    // Every pattern must match: they are kept as a list.
    const [k, v] = key === "pattern" ? ["x-patterns", [v0]] : [key, v0];
    const old = out[k];
    if (old === undefined) {
      out[k] = v;
      continue;
    }
    switch (k) {
      case "type": {
        const both = asArray(old as JsonType).filter((t) => asArray(v as JsonType).includes(t));
        if (both.length === 0) return undefined;
        out.type = both;
        break;
      }
      case "required":
      case "x-forbidden":
      case "x-notType":
      case "x-patterns":
        out[k] = [...new Set([...(old as unknown[]), ...(v as unknown[])])];
        break;
      case "minimum":
      case "minLength":
      case "minItems":
        out[k] = Math.max(old as number, v as number);
        break;
      case "maximum":
      case "maxLength":
      case "maxItems":
      case "maxProperties":
        out[k] = Math.min(old as number, v as number);
        break;
      case "minProperties":
        out[k] = Math.max(old as number, v as number);
        break;
      case "properties": {
        const props: Schema = { ...(old as Schema) };
        for (const [p, ps] of Object.entries(v as Schema))
          props[p] = props[p] === undefined ? ps : { allOf: [props[p], ps] };
        out.properties = props;
        break;
      }
      case "items":
        out.items = { allOf: [old, v] };
        break;
      case "additionalProperties":
        out.additionalProperties = old === false || v === false ? false : { allOf: [old, v] };
        break;
      case "enum":
        out.enum = (old as unknown[]).filter((x) =>
          (v as unknown[]).some((y) => JSON.stringify(x) === JSON.stringify(y)),
        );
        break;
      default:
        if (JSON.stringify(old) !== JSON.stringify(v))
          throw new Error(`cannot merge two values of "${k}"`);
    }
  }
  return out;
}

/** not(s), for the `if` forms: type, required, anyOf of those (De Morgan). */
function negate(s: Schema): Schema {
  const parts: Schema[] = [];
  for (const [k, v] of Object.entries(s)) {
    if (ANNOTATIONS.has(k)) continue;
    if (k === "type") parts.push({ "x-notType": asArray(v) });
    else if (k === "required")
      parts.push({ anyOf: (v as string[]).map((key) => ({ "x-forbidden": [key] })) });
    else if (k === "anyOf") parts.push({ allOf: (v as Schema[]).map(negate) });
    else throw new Error(`cannot negate an "if" with "${k}": teach schema-arbitrary.ts`);
  }
  if (parts.length === 0) return { "x-notType": ALL_TYPES };
  return parts.length === 1 ? parts[0]! : { anyOf: parts };
}

/** The schema as a list of alternatives, each without structural keywords. */
function branches(ctx: Ctx, base: Schema, s: Schema, depth: number): Schema[] {
  if (depth > 40) throw new Error("schema too deep (a recursive $ref?)");
  checkKeywords(s);
  const first = mergeSimple(base, s);
  let cur = first === undefined ? [] : [first];
  const step = (f: (c: Schema) => Schema[]) => (cur = cur.flatMap(f));
  if (typeof s.$ref === "string") {
    const target = resolve(ctx, s.$ref);
    step((c) => branches(ctx, c, target, depth + 1));
  }
  for (const m of asArray(s.allOf as Schema[])) step((c) => branches(ctx, c, m, depth + 1));
  for (const key of ["anyOf", "oneOf"] as const) {
    const alts = s[key] as Schema[] | undefined;
    if (alts) step((c) => alts.flatMap((a) => branches(ctx, c, a, depth + 1)));
  }
  if (s.if !== undefined) {
    const cond = s.if as Schema;
    const then = (s.then as Schema | undefined) ?? {};
    const otherwise = (s.else as Schema | undefined) ?? {};
    step((c) => [
      ...branches(ctx, c, { allOf: [cond, then] }, depth + 1),
      ...branches(ctx, c, { allOf: [negate(cond), otherwise] }, depth + 1),
    ]);
  }
  return cur.filter(satisfiable);
}

function typesOf(s: Schema): JsonType[] {
  const not = asArray(s["x-notType"] as JsonType);
  let types = s.type !== undefined ? asArray(s.type as JsonType) : ALL_TYPES;
  if (s.enum !== undefined || s.const !== undefined)
    types = types.filter((t) => asArray(s.enum ?? [s.const]).some((v) => jsonType(v) === t));
  return types.filter((t) => !not.includes(t) && !(t === "number" && not.includes("integer")));
}

function jsonType(v: unknown): JsonType {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v as JsonType;
}

function satisfiable(s: Schema): boolean {
  if (typesOf(s).length === 0) return false;
  const forbidden = asArray(s["x-forbidden"] as string);
  if (asArray(s.required as string).some((k) => forbidden.includes(k)))
    return typesOf(s).some((t) => t !== "object");
  return true;
}

function arbitraryOf(ctx: Ctx, s: Schema, depth: number): fc.Arbitrary<unknown> {
  const alts = branches(ctx, {}, s, depth);
  if (alts.length === 0) throw new Error("a schema no value can pass");
  const arbs = alts.flatMap((b) => typesOf(b).map((t) => ofType(ctx, b, t, depth)));
  return arbs.length === 1 ? arbs[0]! : fc.oneof(...arbs);
}

function ofType(ctx: Ctx, s: Schema, type: JsonType, depth: number): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum !== undefined)
    return fc.constantFrom(...(s.enum as unknown[]).filter((v) => jsonType(v) === type));
  switch (type) {
    case "integer":
    case "number":
      return integerArb(s);
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "string":
      return stringArb(ctx, s);
    case "array":
      return arrayArb(ctx, s, depth);
    case "object":
      return objectArb(ctx, s, depth);
  }
}

function integerArb(s: Schema): fc.Arbitrary<number> {
  const min = (s.minimum as number | undefined) ?? -(2 ** 31);
  const max = (s.maximum as number | undefined) ?? 2 ** 31 - 1;
  const edges = [...new Set([min, max, min + 1, max - 1])].filter((n) => n >= min && n <= max);
  return fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min, max }) },
    { weight: 1, arbitrary: fc.constantFrom(...edges) },
  );
}

const codePoints = (v: string) => [...v].length;

function stringArb(ctx: Ctx, s: Schema): fc.Arbitrary<string> {
  const patterns = asArray(s["x-patterns"] as string).map((p) => new RegExp(p, "u"));
  const min = (s.minLength as number | undefined) ?? 0;
  const max = (s.maxLength as number | undefined) ?? 4096;
  const ok = (v: string) =>
    codePoints(v) >= min && codePoints(v) <= max && patterns.every((p) => p.test(v));
  const alts: fc.WeightedArbitrary<string>[] = [];
  const base =
    patterns.length > 0
      ? fc.stringMatching(new RegExp(withoutLookarounds(patterns[0]!.source), "u"))
      : fc.string({ unit: "grapheme", minLength: min, maxLength: Math.min(max, 24) });
  if (passRate(base, ok) > 0.2) alts.push({ weight: 4, arbitrary: base.filter(ok) });
  const awkward = ctx.awkward.filter(ok);
  if (awkward.length > 0) alts.push({ weight: 4, arbitrary: fc.constantFrom(...awkward) });
  const pieces = fc
    .array(fc.constantFrom(...ctx.awkward, "a", "b", "1"), { minLength: 1, maxLength: 5 })
    .map((a) => a.join(""));
  if (passRate(pieces, ok) > 0.2) alts.push({ weight: 2, arbitrary: pieces.filter(ok) });
  // A generated string with an awkward edge: what systemd strips or reads as a continuation.
  const edged = fc
    .tuple(base, fc.constantFrom(...EDGES), fc.boolean())
    .map(([v, edge, front]) => (front ? edge + v : v + edge));
  if (passRate(edged, ok) > 0.2) alts.push({ weight: 2, arbitrary: edged.filter(ok) });
  const long = LONG_PREFIX.flatMap((p) =>
    LONG_FILL.flatMap((f) =>
      [max, max - 1].map((n) => p + f.repeat(Math.ceil(n / codePoints(f))).slice(0, n - p.length)),
    ),
  ).filter((v) => ok(v) && codePoints(v) > 64);
  if (long.length > 0) alts.push({ weight: 1, arbitrary: fc.constantFrom(...new Set(long)) });
  if (alts.length === 0) throw new Error(`no string found for ${JSON.stringify(s)}`);
  return fc.oneof(...alts);
}

/**
 * The pattern without its lookaheads and lookbehinds, which fc.stringMatching cannot generate
 * from: the strings it makes are then filtered by the whole pattern.
 */
export function withoutLookarounds(pattern: string): string {
  let out = "";
  let depth = 0;
  /** Where the lookaround being dropped opened, or -1. */
  let dropping = -1;
  for (let i = 0; i < pattern.length; i++) {
    const start = i;
    const c = pattern[i]!;
    if (c === "\\") i++;
    else if (c === "[") {
      // A class is copied whole: a "(" inside it opens nothing.
      while (++i < pattern.length && pattern[i] !== "]") if (pattern[i] === "\\") i++;
    } else if (c === "(") {
      if (dropping < 0 && /^\(\?<?[=!]/.test(pattern.slice(i, i + 4))) dropping = depth;
      depth++;
    } else if (c === ")") {
      depth--;
      if (depth === dropping) {
        dropping = -1;
        continue;
      }
    }
    if (dropping < 0) out += pattern.slice(start, i + 1);
  }
  return out;
}

/** How often `arb` gives a value `ok` accepts (a filter that rarely passes would spin). */
function passRate<T>(arb: fc.Arbitrary<T>, ok: (v: T) => boolean): number {
  const sample = fc.sample(arb, { numRuns: 100, seed: 1 });
  return sample.filter(ok).length / sample.length;
}

function arrayArb(ctx: Ctx, s: Schema, depth: number): fc.Arbitrary<unknown[]> {
  const item = arbitraryOf(ctx, (s.items as Schema | undefined) ?? {}, depth + 1);
  const min = (s.minItems as number | undefined) ?? 0;
  const items = branches(ctx, {}, (s.items as Schema | undefined) ?? {}, depth + 1);
  const limit = s.maxItems as number | undefined;
  // A list the schema lets grow past maxArray: of objects, only maxObjects.
  const cap =
    (limit === undefined || limit > ctx.maxArray) &&
    items.every((b) => typesOf(b).includes("object"))
      ? ctx.maxObjects
      : ctx.maxArray;
  const max = Math.min((s.maxItems as number | undefined) ?? cap, cap);
  const of = (minLength: number, maxLength: number) =>
    s.uniqueItems === true
      ? fc.uniqueArray(item, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
      : fc.array(item, { minLength, maxLength });
  const few = of(min, Math.max(min, Math.min(max, 3)));
  if (max <= 3) return few;
  // Many items: at the maximum, or near it.
  return fc.oneof(
    { weight: 12, arbitrary: few },
    { weight: 1, arbitrary: of(Math.max(min, max - 1), max) },
  );
}

const ABSENT = Symbol("absent");

function objectArb(ctx: Ctx, s: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const forbidden = new Set(asArray(s["x-forbidden"] as string));
  const required = new Set(asArray(s.required as string));
  const props = Object.entries((s.properties as Schema | undefined) ?? {}).filter(
    ([k]) => !forbidden.has(k),
  );
  const optional = props.filter(([k]) => !required.has(k)).length;
  // About three optional fields an object, each field as likely as the others.
  const absentWeight = Math.max(1, Math.round(optional / 3));
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, ps] of props) {
    const arb = arbitraryOf(ctx, ps as Schema, depth + 1);
    fields[k] = required.has(k)
      ? arb
      : fc.oneof(
          { weight: absentWeight, arbitrary: fc.constant(ABSENT) },
          { weight: 1, arbitrary: arb },
        );
  }
  for (const k of required) if (!(k in fields)) fields[k] = arbitraryOf(ctx, {}, depth + 1);
  const known = fc.record(fields).map((r) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) if (v !== ABSENT) out[k] = v;
    return out;
  });
  const extra = s.additionalProperties;
  if (extra === false || (extra === undefined && s.propertyNames === undefined)) return known;
  const names = s.propertyNames as Schema | undefined;
  const key =
    names?.enum !== undefined
      ? fc.constantFrom(...(names.enum as string[]))
      : names !== undefined
        ? arbitraryOf(ctx, names, depth + 1).filter((n): n is string => typeof n === "string")
        : fc.string({ minLength: 1, maxLength: 12 });
  const value = arbitraryOf(ctx, (extra as Schema | undefined) ?? {}, depth + 1);
  const room = Math.max(0, ((s.maxProperties as number | undefined) ?? 64) - props.length);
  const least = (s.minProperties as number | undefined) ?? 0;
  const some = fc.dictionary(key, value, {
    minKeys: least,
    maxKeys: Math.max(least, Math.min(room, 4)),
  });
  const extras =
    least > 0
      ? some
      : fc.oneof({ weight: 2, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: some });
  return fc.tuple(known, extras).map(([k, e]) => {
    const out: Record<string, unknown> = { ...k };
    for (const [name, v] of Object.entries(e)) if (!forbidden.has(name)) out[name] = v;
    return out;
  });
}
