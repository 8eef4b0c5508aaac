import { createHash } from 'node:crypto';
import { projectEventType, type ProjectEventType, type TaskState } from './project-events';

// Node only (node:crypto's SHA-256, synchronous): left out of the browser
// entry (browser.ts). The services derive event ids; clients only read them.

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `evt_` and 16 characters of a hash of the task id, attempt, status,
 * progress and type: the same change has the same id in every stream, on
 * every gateway, and in the event log. A task is created once, so its
 * `task.created` hashes the task id alone: a step made waiting and later
 * dispatched is still the same news.
 */
export function projectEventId(task: TaskState, type = projectEventType(task)): string {
  return hashedEventId(
    type === 'task.created'
      ? [task.id, type]
      : [task.id, task.attempts, task.status, task.progress, type],
  );
}

/** `evt_` and 16 characters of a hash of `parts`: an event id derived from what it is the news of. */
export function hashedEventId(parts: readonly (string | number)[]): string {
  const digest = createHash('sha256').update(parts.join('\n')).digest();
  let body = '';
  for (let i = 0; i < 16; i++) body += ID_ALPHABET[digest[i]! % ID_ALPHABET.length];
  return `evt_${body}`;
}

/**
 * The event whose news is `data` as it is now; with `type`, that event
 * instead (a task made and started at once still has its `task.created`).
 */
export function projectEvent<T extends TaskState>(
  data: T,
  type: ProjectEventType = projectEventType(data),
): { id: string; type: ProjectEventType; created_at: number; data: T } {
  return { id: projectEventId(data, type), type, created_at: data.updated_at, data };
}
