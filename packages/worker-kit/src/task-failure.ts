import {
  MediaflowError,
  RETRYABLE_TASK_ERRORS,
  type ErrorCode,
  type TaskError,
} from '@mediaflow/contracts';

export interface TaskFailure {
  error: TaskError;
  /** Worth another attempt (a provider down, a timeout, a bug that may not recur), or final (the input's fault). */
  retryable: boolean;
  /** Not a MediaflowError: a bug, whose stack belongs in the log and never in the event. */
  unexpected: boolean;
}

/**
 * A failure whose thrower knows whether another attempt could end
 * otherwise, whatever its code says by default: a `timeout` at the budget
 * the input's duration set is final (the next attempt would do the same
 * work at the same speed), one at the worker's own limit is retried.
 */
export class AttemptError extends MediaflowError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly retryable: boolean,
  ) {
    super(code, message);
    this.name = 'AttemptError';
  }
}

const RETRYABLE: ReadonlySet<string> = new Set(RETRYABLE_TASK_ERRORS);

/** What a failed attempt reports, from whatever its handler threw. */
export function taskFailure(thrown: unknown): TaskFailure {
  if (thrown instanceof MediaflowError) {
    return {
      error: { code: thrown.code, message: thrown.message },
      // Decided where it happened when it was; else by its code.
      retryable: thrown instanceof AttemptError ? thrown.retryable : RETRYABLE.has(thrown.code),
      unexpected: false,
    };
  }
  return {
    error: {
      code: 'internal',
      message: 'The worker failed unexpectedly; the task will be tried again',
    },
    retryable: true,
    unexpected: true,
  };
}
