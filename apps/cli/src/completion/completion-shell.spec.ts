import { completionRequest } from './completion-shell';

describe('completionRequest', () => {
  it('takes the shell named off the arguments and sets SHELL for yargs', () => {
    expect(completionRequest(['completion', 'zsh'], { SHELL: '/bin/bash', HOME: '/h' })).toEqual({
      args: ['completion'],
      env: { SHELL: '/bin/zsh', HOME: '/h' },
    });
    expect(
      completionRequest(['completion', 'bash'], { SHELL: '/usr/bin/zsh', ZSH_NAME: 'zsh' }),
    ).toEqual({
      args: ['completion'],
      env: { SHELL: '/bin/bash' },
    });
  });

  it('leaves everything else alone', () => {
    const env = { SHELL: '/bin/zsh' };
    expect(completionRequest(['completion'], env)).toEqual({ args: ['completion'], env });
    expect(completionRequest(['run', 'zsh'], env)).toEqual({ args: ['run', 'zsh'], env });
  });
});
