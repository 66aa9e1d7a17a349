// What import does with each directive of a tunnel's unit, as data: the few it carries into the
// spec, and for every other one the reason it is not carried (nothing is dropped silently). A
// directive not named here gets the reason for its section.

export type Use =
  | "exec"
  | "user"
  | "environment"
  | "restart"
  | "restart-sec"
  | "description"
  | "documentation"
  | "standard-input";

export type DirectiveRule = { use: Use } | { reason: string } | { refuse: string };

const ORDERING =
  "tunnelc orders every tunnel after network-online.target and stops it with network.target (docs/unit.md)";
const SANDBOX =
  "tunnelc's unit runs ssh in its own sandbox, the strict profile unless the spec says otherwise (docs/security.md)";
const ONLY_SSH =
  "tunnelc's unit runs ssh and nothing else; the key and known hosts it needs are handed over by systemd (docs/unit.md)";

/** "Section.Key" → its rule (systemd.unit(5), systemd.service(5), systemd.exec(5)). */
export const DIRECTIVES: Readonly<Record<string, DirectiveRule>> = {
  "Service.ExecStart": { use: "exec" },
  "Service.User": { use: "user" },
  "Service.Environment": { use: "environment" },
  "Service.EnvironmentFile": { use: "environment" },
  "Service.Restart": { use: "restart" },
  "Service.RestartSec": { use: "restart-sec" },
  "Unit.Description": { use: "description" },
  "Unit.Documentation": { use: "documentation" },
  "Unit.After": { reason: ORDERING },
  "Unit.Before": { reason: ORDERING },
  "Unit.Wants": { reason: ORDERING },
  "Unit.Requires": { reason: ORDERING },
  "Unit.BindsTo": { reason: ORDERING },
  "Unit.PartOf": { reason: ORDERING },
  "Unit.StartLimitIntervalSec": {
    reason: "a tunnel keeps retrying for as long as it is enabled (StartLimitIntervalSec=0)",
  },
  "Unit.StartLimitBurst": {
    reason: "a tunnel keeps retrying for as long as it is enabled (StartLimitIntervalSec=0)",
  },
  "Service.StartLimitInterval": {
    reason: "a tunnel keeps retrying for as long as it is enabled (StartLimitIntervalSec=0)",
  },
  "Service.StartLimitBurst": {
    reason: "a tunnel keeps retrying for as long as it is enabled (StartLimitIntervalSec=0)",
  },
  "Service.Type": {
    reason:
      "tunnelc's unit is Type=forking: ssh -f forks once every forward is up, so the start ends when the tunnel is up (docs/unit.md)",
  },
  "Service.ExecStartPre": { reason: ONLY_SSH },
  "Service.ExecStartPost": { reason: ONLY_SSH },
  "Service.ExecStop": { reason: ONLY_SSH },
  "Service.ExecStopPost": { reason: ONLY_SSH },
  "Service.ExecReload": { reason: ONLY_SSH },
  "Service.Group": {
    reason: "the tunnel runs with its account's own group (or a dynamic account's)",
  },
  "Service.DynamicUser": { reason: "tunnelc decides: a dynamic account unless the spec names one" },
  "Service.WorkingDirectory": { reason: ONLY_SSH },
  "Service.PIDFile": { reason: "systemd follows ssh's fork itself (Type=forking)" },
  "Service.KillMode": { reason: "stopping the unit ends its ssh" },
  "Service.TimeoutStartSec": {
    reason: "tunnelc's startTimeoutSec (30 s): how long ssh may take until every forward is up",
  },
  "Service.StandardOutput": { reason: "ssh's log goes to the journal, under the unit" },
  "Service.StandardError": { reason: "ssh's log goes to the journal, under the unit" },
  "Service.SyslogIdentifier": { reason: "ssh's log goes to the journal, under the unit" },
  "Install.WantedBy": {
    reason:
      "tunnelc install --enable enables the tunnel for multi-user.target (default.target for a user unit)",
  },
  "Install.Alias": { reason: "a tunnel's unit goes by its spec's name" },
  // Socket activation hands ssh a connection on standard input (ssh -W, inetd style): a tunnel
  // that runs on demand, not one kept up (systemd.socket(5)).
  "Service.Sockets": {
    refuse:
      "socket activation starts ssh per connection; a tunnel is kept up, not started on demand",
  },
  "Service.StandardInput": { use: "standard-input" },
};

/** Why a directive not in the table is not carried, by its section. */
export const SECTION_REASONS: Readonly<Record<string, string>> = {
  Unit: "tunnelc writes the unit's [Unit] section itself (docs/unit.md)",
  Service: SANDBOX,
  Install: "tunnelc install --enable enables the tunnel itself",
};

export function ruleOf(section: string, key: string): DirectiveRule {
  return (
    DIRECTIVES[`${section}.${key}`] ?? {
      reason: SECTION_REASONS[section] ?? `tunnelc writes no [${section}] section`,
    }
  );
}

const SPAN_UNITS: Readonly<Record<string, number>> = {
  us: 1e-6,
  usec: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  msec: 1e-3,
  s: 1,
  sec: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
  w: 604800,
  week: 604800,
  weeks: 604800,
};

/**
 * A time span as systemd.time(7) writes it ("10", "5s", "1min 30s", "500ms"): seconds, or
 * undefined when it is not one ("infinity" included: a restart that never comes).
 */
export function spanSeconds(text: string): number | undefined {
  const t = text.trim();
  if (/^[0-9]+(\.[0-9]+)?$/.test(t)) return Number(t);
  let total = 0;
  let rest = t;
  while (rest !== "") {
    const m = /^([0-9]+(?:\.[0-9]+)?)\s*([a-zµ]+)\s*/.exec(rest);
    const unit = m?.[2] !== undefined ? SPAN_UNITS[m[2]] : undefined;
    if (m === null || unit === undefined) return undefined;
    total += Number(m[1]) * unit;
    rest = rest.slice(m[0].length);
  }
  return t === "" ? undefined : total;
}
