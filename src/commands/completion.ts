// tunnelc completion [bash|zsh|fish]: the shell script that completes commands and options. Every
// script asks `tunnelc --get-yargs-completions WORDS...`, which yargs answers from the commands'
// declarations (src/cli.ts COMMANDS), so the three shells complete the same words from one source
// and never fall out of step with the CLI. bash's and zsh's scripts are yargs's own, for the shell
// named rather than the one $SHELL happens to be (zsh's also completes when autoloaded from
// $fpath, where a package installs it); fish's (yargs has none) is written here over the same
// answer.
import { outcome, type Outcome } from "./outcome.ts";
import { defineCommand } from "./options.ts";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

export interface CompletionArgs {
  shell?: Shell;
}

const SCRIPTS: Record<Shell, string> = {
  bash: `###-begin-tunnelc-completions-###
#
# tunnelc command completion script
#
# Installation: tunnelc completion bash >> ~/.bashrc
#    or tunnelc completion bash >> ~/.bash_profile on OSX.
#
_tunnelc_yargs_completions()
{
    local cur_word args type_list

    cur_word="\${COMP_WORDS[COMP_CWORD]}"
    args=("\${COMP_WORDS[@]}")

    # ask tunnelc to generate completions.
    type_list=$(tunnelc --get-yargs-completions "\${args[@]}")

    COMPREPLY=( $(compgen -W "\${type_list}" -- \${cur_word}) )

    # if no match was found, fall back to filename completion
    if [ \${#COMPREPLY[@]} -eq 0 ]; then
      COMPREPLY=()
    fi

    return 0
}
complete -o bashdefault -o default -F _tunnelc_yargs_completions tunnelc
###-end-tunnelc-completions-###
`,
  zsh: `#compdef tunnelc
###-begin-tunnelc-completions-###
#
# tunnelc command completion script
#
# Installation: tunnelc completion zsh >> ~/.zshrc
#    or tunnelc completion zsh >> ~/.zprofile on OSX.
#
_tunnelc_yargs_completions()
{
  local reply
  local si=$IFS
  IFS=$'\\n' reply=($(COMP_CWORD="$((CURRENT-1))" COMP_LINE="$BUFFER" COMP_POINT="$CURSOR" tunnelc --get-yargs-completions "\${words[@]}"))
  IFS=$si
  _describe 'values' reply
}
# Installed as _tunnelc in $fpath, this file is the body of the function compinit autoloads for
# the first completion: complete now, not only from the next one on.
if [[ "\${funcstack[1]}" == _tunnelc ]]; then
  _tunnelc_yargs_completions "$@"
else
  compdef _tunnelc_yargs_completions tunnelc
fi
###-end-tunnelc-completions-###
`,
  // SHELL=zsh makes yargs answer in zsh's form, "word:description" with a ':' in the word written
  // "\:"; the first unescaped ':' becomes the tab fish reads a description after (fish's
  // complete(1), "-a"). No answer (a spec's name): fish's own file completion.
  fish: String.raw`# tunnelc command completion script for fish
#
# Installation: tunnelc completion fish > ~/.config/fish/completions/tunnelc.fish
#    (a package: /usr/share/fish/vendor_completions.d/tunnelc.fish)
#
function __tunnelc_yargs_completions
    set -l words (commandline -opc) (commandline -ct)
    set -l out (SHELL=zsh tunnelc --get-yargs-completions $words)
    if test (count $out) -eq 0
        __fish_complete_path (commandline -ct)
        return
    end
    for line in $out
        string replace -r '^((?:[^\\\\:]|\\\\.)*):' '$1'\t -- $line | string replace -a '\\:' ':'
    end
end
complete -c tunnelc -f -a '(__tunnelc_yargs_completions)'
`,
};

/** Without a shell named, the login shell's ($SHELL), as before the argument existed. */
export function runCompletion(args: CompletionArgs, loginShell: string | undefined): Outcome {
  const shell = args.shell ?? SHELLS.find((s) => s !== "bash" && loginShell?.includes(s)) ?? "bash";
  return outcome({ stdout: SCRIPTS[shell] });
}

export const completionCommand = (print: (o: Outcome) => void, loginShell: string | undefined) =>
  defineCommand<CompletionArgs>({
    command: "completion [shell]",
    describe: "Print a shell completion script for bash, zsh or fish",
    positionals: {
      shell: { choices: SHELLS, describe: "the shell (default: SHELL's, else bash)" },
    },
    examples: [
      ["$0 completion bash >> ~/.bashrc", "complete in bash"],
      ["$0 completion zsh >> ~/.zshrc", "complete in zsh"],
      ["$0 completion fish > ~/.config/fish/completions/tunnelc.fish", "complete in fish"],
    ],
    run: (args) => runCompletion(args, loginShell),
  })(print);
