// An ssh (or autossh) argv read the way ssh.c reads it: only to find the words tunnelc must
// see itself — the destination, a remote command, -i (ssh -G drops a key file that does not
// exist), -F, the flags ssh -G does not print (-f, -y, -E) and autossh's own — and where each
// word is. What every option means is left to `ssh -G`, the parser of record (ssh-dump.ts).

/** ssh.c's getopt string (OpenSSH 9.x): a letter before `:` takes an argument. */
export const SSH_OPTSTRING =
  "1246ab:c:e:fgi:kl:m:no:p:qstvxAB:CD:E:F:GI:J:KL:MNO:P:Q:R:S:TVw:W:XYy";

export interface OptionWord {
  /** The letter, without the dash. */
  flag: string;
  value?: string;
  /** The argv index of the word the option starts in. */
  index: number;
  /** Whether the value is the next word (`-p 22`), not the rest of this one (`-p22`). */
  separate?: boolean;
}

export interface ScannedArgv {
  options: OptionWord[];
  destination?: { text: string; index: number };
  /** Words after the destination that are not options: ssh's remote command. */
  command: { words: string[]; index: number } | undefined;
  problems: { index: number; message: string }[];
}

function takesArgument(optstring: string): Map<string, boolean> {
  const m = new Map<string, boolean>();
  for (let i = 0; i < optstring.length; i++) {
    const c = optstring[i] as string;
    if (c === ":") continue;
    m.set(c, optstring[i + 1] === ":");
  }
  return m;
}

/**
 * ssh.c: getopt stops at the first word that is not an option; that word is the destination,
 * and ssh runs getopt again over the words after it (so `ssh host -N` works), unless `--` came
 * first. What is left after that is the remote command. OpenSSH's getopt does not permute.
 */
export function scanSsh(argv: readonly string[], optstring = SSH_OPTSTRING): ScannedArgv {
  const flags = takesArgument(optstring);
  const out: ScannedArgv = { options: [], command: undefined, problems: [] };
  let i = 0;
  let terminated = false;
  const options = (): void => {
    while (i < argv.length) {
      const word = argv[i] as string;
      if (word === "--") {
        terminated = true;
        i++;
        return;
      }
      if (!word.startsWith("-") || word === "-") return;
      const start = i;
      for (let k = 1; k < word.length; k++) {
        const c = word[k] as string;
        const arg = flags.get(c);
        if (arg === undefined) {
          out.problems.push({ index: start, message: `ssh has no option -${c}` });
          continue;
        }
        if (!arg) {
          out.options.push({ flag: c, index: start });
          continue;
        }
        let value: string | undefined = word.slice(k + 1);
        const separate = value === "";
        if (separate) {
          i++;
          value = argv[i];
        }
        if (value === undefined)
          out.problems.push({ index: start, message: `ssh's -${c} needs an argument` });
        else out.options.push({ flag: c, value, index: start, ...(separate && { separate }) });
        break;
      }
      i++;
    }
  };
  options();
  if (i < argv.length) {
    out.destination = { text: argv[i] as string, index: i };
    i++;
    if (!terminated) options();
  }
  if (i < argv.length) out.command = { words: argv.slice(i), index: i };
  return out;
}

/** The values of one option letter, in order. */
export function valuesOf(scanned: ScannedArgv, flag: string): OptionWord[] {
  return scanned.options.filter((o) => o.flag === flag);
}

/** The argv with the words of the options matching `drop` taken out (the rest as given). */
export function withoutOptions(
  argv: readonly string[],
  scanned: ScannedArgv,
  drop: (o: OptionWord) => boolean,
): string[] {
  // Rebuild each option as its own word(s): a group such as -fNT is split so that one letter can
  // leave without the others.
  const dropped = new Set<number>();
  const rebuilt = new Map<number, string[]>();
  for (const o of scanned.options) {
    const words = rebuilt.get(o.index) ?? [];
    if (!drop(o)) words.push(`-${o.flag}`, ...(o.value !== undefined ? [o.value] : []));
    rebuilt.set(o.index, words);
  }
  // A value given as the next word occupies that index too.
  for (const o of scanned.options) if (o.separate === true) dropped.add(o.index + 1);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (dropped.has(i)) continue;
    const words = rebuilt.get(i);
    out.push(...(words ?? [argv[i] as string]));
  }
  return out;
}
