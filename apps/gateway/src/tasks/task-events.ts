import { ERROR_STATUS, type ErrorBody, type TaskStatus } from '@mediaflow/contracts';

/** What a client of `GET /tasks/:id/events` is told about. */
export interface TaskProgress {
  status: TaskStatus;
  progress: number;
}

/** Whether the task moved since the last event; the first state is always news. */
export function hasChanged(previous: TaskProgress | undefined, current: TaskProgress): boolean {
  return (
    previous === undefined ||
    previous.status !== current.status ||
    previous.progress !== current.progress
  );
}

/**
 * One Server-Sent Event. JSON.stringify escapes every line break, so the
 * data is a single `data:` line.
 */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A comment line: keeps proxies and load balancers from closing a quiet stream. */
export const SSE_HEARTBEAT = ': heartbeat\n\n';

export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  // nginx would otherwise hold events back in its buffer.
  'X-Accel-Buffering': 'no',
};

/** A failed poll worth retrying (no scheduler answering for a moment); anything else ends the stream. */
export function isTransient(error: ErrorBody): boolean {
  return ERROR_STATUS[error.code] === 503 || ERROR_STATUS[error.code] === 504;
}
