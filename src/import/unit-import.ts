// A tunnel's unit (a file, or `systemctl cat` output with its drop-ins; a template with its
// instances) → for each instance the ssh command line systemd would run, handed to the ssh side
// (import-ssh.ts), and the unit's own directives: Restart=, RestartSec=, Description= and
// Documentation= carried into the spec, every other one reported with the reason it is not.
import type { Diagnostic } from "../errors.ts";
import { UsageError } from "../errors.ts";
import type { Gatherer } from "../edge/query.ts";
import { join } from "node:path";
import { located, type ImportChange, type Place } from "./changes.ts";
import type { Context, SshSource } from "./import-ssh.ts";
import type { Account } from "./spec-from-ssh.ts";
import { readUnitText, type Directive } from "./unit-text.ts";
import { expandSpecifiers, type UnitName } from "./specifiers.ts";
import { environmentAssignments, environmentFile } from "./environment.ts";
import { readExec } from "./exec-words.ts";
import { ruleOf, spanSeconds } from "./unit-directives.ts";

export interface UnitInput {
  file: string;
  instances: string[];
  root?: string;
  name?: string;
}

/** One imported tunnel: its spec entry, what it changed, and its problems. */
export interface Imported {
  tunnel: Record<string, unknown>;
  /** What `ssh -G` was given for the original (after ssh -G): the round trip's other side. */
  sshArgs?: string[];
  changes: ImportChange[];
  problems: Diagnostic[];
}

const place = (d: Directive, offset = 0): Place => ({
  file: d.file,
  ...d.at(offset),
  pointer: "",
});

const problem = (message: string, p: Place): Diagnostic => ({
  severity: "error",
  code: "import/cannot-express",
  message,
  location: located(p),
});

/** The directives in effect: a later one replaces a single value; an empty one clears a list. */
function effective(directives: Directive[]): Map<string, Directive[]> {
  const out = new Map<string, Directive[]>();
  const LISTS = new Set(["ExecStart", "Environment", "EnvironmentFile", "Documentation"]);
  for (const d of directives) {
    const k = `${d.section}.${d.key}`;
    if (!LISTS.has(d.key)) out.set(k, [d]);
    else if (d.value === "") out.set(k, []);
    else out.set(k, [...(out.get(k) ?? []), d]);
  }
  return out;
}

const RESTARTS = new Set(["no", "on-failure", "always", "on-abnormal", "on-abort"]);

export function importUnits(
  input: UnitInput,
  gatherer: Gatherer,
  one: (source: SshSource, ctx: Context) => Imported,
  /** The importing account's name: ssh's login when the command line names none. */
  localName: string,
): Imported[] {
  const q = { kind: "spec", file: input.file } as const;
  const read = gatherer.gather([q]).get(q);
  const unit = readUnitText(read.file, read.text);
  const main = unit.files[0] ?? read.file;
  const base = main.slice(main.lastIndexOf("/") + 1);
  if (!base.endsWith(".service"))
    throw new UsageError(
      `${main}: not a service unit (its name ends in .service; systemctl cat output starts with "# /path/NAME.service")`,
    );
  const template = base.endsWith("@.service");
  if (template && input.instances.length === 0)
    throw new UsageError(`${base} is a template: name its instance with --instance NAME`);
  if (!template && input.instances.length > 0)
    throw new UsageError(`${base} is not a template (NAME@.service): --instance is for templates`);
  const prefix = base.slice(0, base.length - (template ? "@.service".length : ".service".length));
  const instances = template ? input.instances : [undefined];
  const all = effective(unit.directives);
  return instances.map((instance) => {
    const user = all.get("Service.User")?.[0]?.value;
    const name: UnitName = {
      full: instance === undefined ? base : `${prefix}@${instance}.service`,
      prefix,
      ...(instance !== undefined && { instance }),
      ...(user !== undefined && user !== "" && { user }),
    };
    const tunnelName =
      input.name !== undefined
        ? instances.length > 1
          ? `${input.name}-${instance ?? ""}`
          : input.name
        : instance !== undefined
          ? `${prefix}-${instance}`
          : prefix;
    return importInstance(
      all,
      name,
      tunnelName.replace(/[^A-Za-z0-9_.-]+/g, "-"),
      input,
      gatherer,
      one,
      localName,
    );
  });
}

function importInstance(
  all: Map<string, Directive[]>,
  name: UnitName,
  tunnelName: string,
  input: UnitInput,
  gatherer: Gatherer,
  one: (source: SshSource, ctx: Context) => Imported,
  localName: string,
): Imported {
  const problems: Diagnostic[] = [];
  const changes: ImportChange[] = [];
  const expand = (d: Directive, text = d.value): string | undefined => {
    const r = expandSpecifiers(text, name);
    if (r.ok) return r.text;
    problems.push(problem(r.message, place(d, r.offset)));
    return undefined;
  };
  const execs = all.get("Service.ExecStart") ?? [];
  const exec = execs[0];
  if (exec === undefined || execs.length > 1) {
    const at = exec ?? [...all.values()].flat()[0];
    const where: Place =
      at !== undefined ? place(at) : { file: input.file, line: 1, column: 1, pointer: "" };
    problems.push(
      problem(
        exec === undefined
          ? "no ExecStart=: the unit runs no command to import"
          : `${execs.length} ExecStart= lines: a tunnel's unit runs one ssh (the others are Type=oneshot steps)`,
        where,
      ),
    );
    return { tunnel: {}, changes, problems };
  }
  // The environment: Environment= lines, then EnvironmentFile= files, which win (systemd.exec(5)).
  const env: Record<string, string> = {};
  for (const d of all.get("Service.Environment") ?? []) {
    const v = expand(d);
    if (v !== undefined) for (const [k, x] of environmentAssignments(v)) env[k] = x;
  }
  const files = (all.get("Service.EnvironmentFile") ?? []).flatMap((d) => {
    const v = expand(d);
    if (v === undefined) return [];
    const optional = v.startsWith("-");
    const path = optional ? v.slice(1) : v;
    return [{ d, path, optional }];
  });
  const queries = files.map((f) => ({
    kind: "file" as const,
    path: input.root !== undefined ? join(input.root, f.path) : f.path,
  }));
  const facts = gatherer.gather(queries);
  files.forEach((f, i) => {
    const fact = facts.get(queries[i]!);
    if (fact.text !== undefined) for (const [k, x] of environmentFile(fact.text)) env[k] = x;
    else if (!f.optional)
      problems.push(
        problem(
          `EnvironmentFile=${f.path}: ${fact.error ?? "no such file"} here${input.root === undefined ? " (--root DIR reads it below DIR)" : ` (below ${input.root})`}; systemd would not start the unit without it`,
          place(f.d),
        ),
      );
  });
  if (problems.length > 0) return { tunnel: {}, changes, problems };
  const words = readExec(exec.value, env, (w) => expandSpecifiers(w, name));
  if (!words.ok) {
    problems.push(problem(words.message, place(exec, words.offset)));
    return { tunnel: {}, changes, problems };
  }
  const { offsets, prefixes } = words.exec;
  // A config the command line names (-F FILE) is one of the unit's files: below --root too.
  const argv = words.exec.argv.map((w, i, all) =>
    input.root !== undefined && all[i - 1] === "-F" && w.startsWith("/") ? join(input.root, w) : w,
  );
  if (prefixes.replace(/[-@]/g, "") !== "")
    changes.push({
      kind: "dropped",
      what: `ExecStart=${prefixes}`,
      reason: "tunnelc's unit runs ssh unprivileged in its sandbox, without these prefixes",
      keys: [],
      location: located(place(exec)),
    });
  const source: SshSource = {
    kind: "argv",
    argv,
    environment: env,
    place: (i) => ({ ...place(exec, offsets[i] ?? 0), length: Math.max(1, argv[i]?.length ?? 1) }),
  };
  const root = name.user === undefined || name.user === "root";
  const account: Account = root
    ? { describe: "root", login: "root", home: "/root" }
    : {
        user: name.user as string,
        login: name.user as string,
        describe: `the account ${name.user as string}`,
      };
  const r = one(source, { name: tunnelName, account, localName });
  const unitSide = unitDirectives(all, expand, exec);
  const tunnel =
    Object.keys(r.tunnel).length === 0
      ? r.tunnel
      : {
          name: r.tunnel["name"],
          ...unitSide.fields,
          ...Object.fromEntries(Object.entries(r.tunnel).filter(([k]) => k !== "name")),
          ...(unitSide.restart !== undefined && { restart: unitSide.restart }),
        };
  return {
    tunnel,
    ...(r.sshArgs !== undefined && { sshArgs: r.sshArgs }),
    changes: [...changes, ...r.changes, ...unitSide.changes],
    problems: [...problems, ...r.problems, ...unitSide.problems],
  };
}

/** Restart=, RestartSec=, Description=, Documentation= into the spec; the rest reported. */
function unitDirectives(
  all: Map<string, Directive[]>,
  expand: (d: Directive) => string | undefined,
  exec: Directive,
): {
  fields: Record<string, unknown>;
  restart?: Record<string, unknown>;
  changes: ImportChange[];
  problems: Diagnostic[];
} {
  const fields: Record<string, unknown> = {};
  const changes: ImportChange[] = [];
  const problems: Diagnostic[] = [];
  const restart: Record<string, unknown> = {};
  const change = (c: Omit<ImportChange, "location" | "keys">, d: Directive) =>
    changes.push({ ...c, keys: [], location: located(place(d)) });
  for (const [k, ds] of all) {
    const [section = "", key = ""] = k.split(".");
    const rule = ruleOf(section, key);
    for (const d of ds) {
      if ("refuse" in rule) {
        problems.push(problem(`${d.key}=${d.value}: ${rule.refuse}`, place(d)));
        continue;
      }
      if (!("use" in rule)) {
        change({ kind: "dropped", what: `${d.key}=${d.value}`, reason: rule.reason }, d);
        continue;
      }
      const value = expand(d);
      if (value === undefined) continue;
      if (rule.use === "description") fields["description"] = value;
      if (rule.use === "standard-input") {
        if (/^socket/.test(value))
          problems.push(
            problem(
              `StandardInput=${value}: socket activation hands ssh one connection (inetd style); a tunnel is kept up, not started per connection`,
              place(d),
            ),
          );
        else
          change(
            { kind: "dropped", what: `StandardInput=${value}`, reason: "ssh -f reads no input" },
            d,
          );
      }
      if (rule.use === "documentation") {
        const uris = value.split(/\s+/).filter(Boolean);
        const ok = uris.filter((u) => /^(?:https?:\/\/|file:\/|info:|man:)[^\s"'\\]+$/.test(u));
        if (ok.length > 0)
          fields["documentation"] = [...((fields["documentation"] as string[]) ?? []), ...ok];
        for (const u of uris.filter((x) => !ok.includes(x)))
          change(
            { kind: "dropped", what: `Documentation=${u}`, reason: "not a URI systemd takes" },
            d,
          );
      }
      if (rule.use === "environment")
        change(
          {
            kind: "changed",
            what: `${d.key}=${d.value}`,
            reason:
              "read to expand ExecStart= as systemd would; the spec holds the values, and the tunnel's unit sets no environment",
          },
          d,
        );
      if (rule.use === "restart") {
        if (RESTARTS.has(value)) restart["policy"] = value;
        else {
          restart["policy"] = "on-failure";
          change(
            {
              kind: "changed",
              what: `Restart=${value}`,
              reason: "a tunnel is restarted when it fails: on-failure",
            },
            d,
          );
        }
      }
      if (rule.use === "restart-sec") {
        const s = spanSeconds(value);
        if (s === undefined || s > 86400) {
          problems.push(
            problem(`RestartSec=${value}: not a time span tunnelc takes (0 to 1 day)`, place(d)),
          );
          continue;
        }
        restart["delaySec"] = Math.ceil(s);
        if (Math.ceil(s) !== s)
          change(
            {
              kind: "changed",
              what: `RestartSec=${value}`,
              reason: `restart.delaySec is whole seconds: ${Math.ceil(s)}`,
            },
            d,
          );
      }
    }
  }
  // What tunnelc's unit does about restarts where the original said nothing (systemd.service(5):
  // Restart=no, RestartSec=100ms), and the spread it always adds (docs/spec.md restart).
  if (!all.has("Service.Restart"))
    change(
      {
        kind: "added",
        what: "Restart=on-failure",
        reason: "a tunnel that fails is started again (the original was not: Restart=no)",
      },
      exec,
    );
  if (!all.has("Service.RestartSec"))
    change(
      {
        kind: "added",
        what: "RestartSec=5 (restart.delaySec)",
        reason:
          "systemd's default of 100 ms would retry ten times a second against a relay that is down",
      },
      exec,
    );
  change(
    {
      kind: "added",
      what: "restart.spreadSec 5",
      reason:
        "RestartSec= gets this tunnel's fixed share of 5 s, so that devices dropped together do not all retry in the same second",
    },
    exec,
  );
  return {
    fields,
    ...(Object.keys(restart).length > 0 && { restart }),
    changes,
    problems,
  };
}
