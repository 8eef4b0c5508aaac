/**
 * The command was used wrongly (a missing argument, a path that is not a
 * file, no server configured): exit status 2, with a pointer to `--help`.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * The work did not succeed although the request was sound (a run failed, an
 * automation name matches several): exit status 1. `result` is what the
 * command still prints (the failed run, for `--json`).
 */
export class WorkFailedError extends Error {
  override readonly name = 'WorkFailedError';

  constructor(
    message: string,
    readonly result?: unknown,
  ) {
    super(message);
  }
}

/**
 * The command has said all there is to say (a doctor report listing what is
 * missing): only the exit status is left to set.
 */
export class SilentExit extends Error {
  override readonly name = 'SilentExit';

  constructor(readonly code: 1 | 2) {
    super(`exit status ${code}`);
  }
}
