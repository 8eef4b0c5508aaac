import type { TaskStatus } from '@mediaflow/contracts';
import { SilentExit, UsageError } from './cli-errors';

/** The exit statuses every command keeps to (apps/cli/README.md). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * A usage error is 2; anything else that stopped a command (the API
 * refused, the server could not be reached, the work failed) is 1.
 */
export function exitCodeForError(error: unknown): ExitCode {
  if (error instanceof SilentExit) return error.code;
  return error instanceof UsageError ? EXIT.usage : EXIT.failed;
}

/**
 * A task as a command leaves it: failed or cancelled is a failure of the
 * work (1). Completed, skipped (a step that did not apply) and one still
 * under way (the command did not wait) are 0.
 */
export function exitCodeForTask(task: { status: TaskStatus }): ExitCode {
  switch (task.status) {
    case 'failed':
    case 'cancelled':
      return EXIT.failed;
    case 'pending':
    case 'waiting':
    case 'processing':
    case 'completed':
    case 'skipped':
      return EXIT.ok;
  }
}
