// tunnelc completion [bash|zsh]: the shell script that completes commands and options. The script
// asks `tunnelc --get-yargs-completions WORDS...`, which yargs answers; the scripts are yargs's
// own, for the shell named rather than the one $SHELL happens to be.
import { outcome, type Outcome } from "./outcome.ts";
import { defineCommand } from "./options.ts";

export const SHELLS = ["bash", "zsh"] as const;
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
compdef _tunnelc_yargs_completions tunnelc
###-end-tunnelc-completions-###
`,
};

/** Without a shell named, the login shell's ($SHELL), as before the argument existed. */
export function runCompletion(args: CompletionArgs, loginShell: string | undefined): Outcome {
  const shell = args.shell ?? (loginShell?.includes("zsh") ? "zsh" : "bash");
  return outcome({ stdout: SCRIPTS[shell] });
}

export const completionCommand = (print: (o: Outcome) => void, loginShell: string | undefined) =>
  defineCommand<CompletionArgs>({
    command: "completion [shell]",
    describe: "Print a shell completion script for bash or zsh",
    positionals: {
      shell: { choices: SHELLS, describe: "the shell (default: bash, or zsh when SHELL is zsh)" },
    },
    examples: [
      ["$0 completion bash >> ~/.bashrc", "complete in bash"],
      ["$0 completion zsh >> ~/.zshrc", "complete in zsh"],
    ],
    run: (args) => runCompletion(args, loginShell),
  })(print);
