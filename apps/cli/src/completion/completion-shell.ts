type Env = Record<string, string | undefined>;

export const COMPLETION_SHELLS = ['bash', 'zsh'] as const;

/**
 * yargs writes its completion script for the shell it finds in $SHELL
 * (zsh, else bash). `mediaflow completion zsh` (or `bash`) names the shell
 * instead: the word is taken off the arguments and $SHELL set for yargs,
 * which reads it when the parser is made.
 */
export function completionRequest(args: readonly string[], env: Env): { args: string[]; env: Env } {
  const [command, shell, ...rest] = args;
  if (command !== 'completion' || !COMPLETION_SHELLS.includes(shell as 'bash')) {
    return { args: [...args], env };
  }
  const { ZSH_NAME: _zsh, ...others } = env;
  return { args: [command, ...rest], env: { ...others, SHELL: `/bin/${shell}` } };
}
