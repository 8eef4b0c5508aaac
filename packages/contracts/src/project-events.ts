import { createHash } from 'node:crypto';
import { z } from 'zod';
import { idSchema } from './ids';
import { TaskObjectSchema, type TaskStatus } from './tasks';

/**
 * What happened to a task, as the event streams send it (`GET
 * /tasks/{id}/events`; later the project's event log): `task.created` (not
 * started yet), `task.started` (a worker took it; a run, from its start),
 * `task.progress` (it moved: progress, or a retry), then one final type.
 */
export const PROJECT_EVENT_TYPES = [
  'task.created',
  'task.started',
  'task.progress',
  'task.completed',
  'task.failed',
  'task.cancelled',
  'task.skipped',
] as const;
export type ProjectEventType = (typeof PROJECT_EVENT_TYPES)[number];

export const ProjectEventSchema = z
  .object({
    id: idSchema('evt').describe(
      'The same for the same change of the same task, whoever sees it: also the SSE `id:`',
    ),
    type: z.enum(PROJECT_EVENT_TYPES),
    created_at: z.number().int().describe("When the change was made: the task's `updated_at`"),
    data: TaskObjectSchema.describe('The task as `GET /tasks/{id}` shows it'),
  })
  .meta({ id: 'Event' });
export type ProjectEvent = z.infer<typeof ProjectEventSchema>;

/** What an event is derived from: the task's state, nothing else. */
export interface TaskState {
  id: string;
  status: TaskStatus;
  progress: number;
  attempts: number;
  started_at: number | null;
  updated_at: number;
}

/**
 * The type of the event a task in this state is the news of. A function of
 * the state alone, so that every reader names a change alike.
 */
export function projectEventType(task: TaskState): ProjectEventType {
  switch (task.status) {
    case 'completed':
      return 'task.completed';
    case 'failed':
      return 'task.failed';
    case 'cancelled':
      return 'task.cancelled';
    case 'skipped':
      return 'task.skipped';
    case 'processing':
      return task.progress > 0 ? 'task.progress' : 'task.started';
    case 'pending':
    case 'waiting':
      // Pending again after a start, or a later attempt: a retry, not a new task.
      return task.started_at === null && task.attempts <= 1 && task.progress === 0
        ? 'task.created'
        : 'task.progress';
  }
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `evt_` and 16 characters of a hash of the task id, attempt, status,
 * progress and type: the same change has the same id in every stream, on
 * every gateway, so that a stored event log can take these ids over.
 */
export function projectEventId(task: TaskState): string {
  const digest = createHash('sha256')
    .update([task.id, task.attempts, task.status, task.progress, projectEventType(task)].join('\n'))
    .digest();
  let body = '';
  for (let i = 0; i < 16; i++) body += ID_ALPHABET[digest[i]! % ID_ALPHABET.length];
  return `evt_${body}`;
}

/** The event whose news is `data` as it is now. */
export function projectEvent<T extends TaskState>(
  data: T,
): { id: string; type: ProjectEventType; created_at: number; data: T } {
  return {
    id: projectEventId(data),
    type: projectEventType(data),
    created_at: data.updated_at,
    data,
  };
}
