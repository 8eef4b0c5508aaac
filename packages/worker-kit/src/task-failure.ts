import { MediaflowError, RETRYABLE_TASK_ERRORS, type TaskError } from '@mediaflow/contracts';

export interface TaskFailure {
  error: TaskError;
  /** Worth another attempt (a provider down, a timeout, a bug that may not recur), or final (the input's fault). */
  retryable: boolean;
  /** Not a MediaflowError: a bug, whose stack belongs in the log and never in the event. */
  unexpected: boolean;
}

const RETRYABLE: ReadonlySet<string> = new Set(RETRYABLE_TASK_ERRORS);

/** What a failed attempt reports, from whatever its handler threw. */
export function taskFailure(thrown: unknown): TaskFailure {
  if (thrown instanceof MediaflowError) {
    return {
      error: { code: thrown.code, message: thrown.message },
      retryable: RETRYABLE.has(thrown.code),
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
