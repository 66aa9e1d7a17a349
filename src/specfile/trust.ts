// Whose specs are trusted: what tunnelc finds by itself (the generator's spec directories, the
// default spec directory of install) becomes a unit that runs as root (or as the user), so a spec
// found there, every directory above it up to /, and every link target on the way must be
// writable by no one else. The rule is sshd's StrictModes (sshd_config(5); openssh-portable's
// safe_path() in misc.c): the owner is root or the account itself, and neither group nor others
// may write, whatever the group is. A sticky bit (as on /tmp) does not help: anyone may still
// create there a file of any name. A file named on the command line is the caller's choice and
// is not checked (docs/generator.md "Whose specs are read"). Pure.

export interface TrustPolicy {
  /** Owners whose files are trusted: root, and for the user scope that user too. */
  uids: readonly number[];
  /** Who that is, in messages: "root", or "root or uid 1000". */
  who: string;
  /** Who runs what the spec becomes, in messages. */
  manager: string;
}

/** The policy of a scope: root only for the system, root and this user for the user scope. */
export function trustFor(scope: "system" | "user", euid = geteuid()): TrustPolicy {
  if (scope === "system") return { uids: [0], who: "root", manager: "the system manager" };
  const who = euid === 0 ? "root" : `root or uid ${euid}`;
  return { uids: euid === 0 ? [0] : [0, euid], who, manager: "your user manager" };
}

const geteuid = () => process.geteuid?.() ?? 0;

/** What is wrong with a file or directory's owner and mode under this policy, or undefined. */
export function untrusted(
  path: string,
  kind: "file" | "directory",
  st: { uid: number; mode: number },
  policy: TrustPolicy,
  /** The spec directory itself, whose mode is tunnelc's to fix; not one such as /tmp above it. */
  own = kind === "file",
): string | undefined {
  const badOwner = !policy.uids.includes(st.uid);
  const writers = [st.mode & 0o020 ? "its group" : "", st.mode & 0o002 ? "others" : ""].filter(
    Boolean,
  );
  if (!badOwner && writers.length === 0) return undefined;
  const mode = (st.mode & 0o7777).toString(8).padStart(4, "0");
  const what = [
    ...(badOwner ? [`is owned by uid ${st.uid}`] : []),
    ...(writers.length > 0 ? [`is writable by ${writers.join(" and ")}`] : []),
  ].join(" and ");
  const sticky = !own && st.mode & 0o1000 && st.mode & 0o002;
  const fix = sticky
    ? `move the spec (or the link's target) out of ${path}: a directory anyone may write is no place for a spec, sticky or not`
    : [
        ...(badOwner ? [`chown ${policy.uids.length > 1 ? policy.uids[1] : "root"} ${path}`] : []),
        ...(writers.length > 0 ? [`chmod go-w ${path}`] : []),
      ].join(" && ");
  return `refused: the ${kind} ${path} ${what} (mode ${mode}); a spec tunnelc finds by itself becomes a unit run by ${policy.manager}, so no one but ${policy.who} may be able to write it, the directories above it or its link targets (sshd's StrictModes rule). Fix: ${fix}`;
}
