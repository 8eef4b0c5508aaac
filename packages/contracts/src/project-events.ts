import { z } from 'zod';
import { idSchema } from './ids';
import {
  TaskObjectSchema,
  TaskRecordSchema,
  isFinalStatus,
  type TaskStatus,
  type TaskTree,
} from './tasks';

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

/**
 * The types kept in the project's event log, from which a stream cut off
 * resumes (`Last-Event-ID`). `task.progress` is streamed but not kept: it
 * is frequent, and the next kept event or the task itself supersedes it.
 */
export function isStoredEventType(type: ProjectEventType): boolean {
  return type !== 'task.progress';
}

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

/** An event between services: the task as the scheduler has it, its files not yet signed. */
export const ProjectEventRecordSchema = z.object({
  id: idSchema('evt'),
  type: z.enum(PROJECT_EVENT_TYPES),
  created_at: z.number().int(),
  data: TaskRecordSchema,
});
export type ProjectEventRecord = z.infer<typeof ProjectEventRecordSchema>;

/** A place in the event log, opaque to all but the scheduler (`<xid>:<seq>`). */
export const EventCursorSchema = z.string().regex(/^\d+:\d+$/);

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

/** Whether `value` has the shape of an event id (a `Last-Event-ID` header, say). */
export function isEventId(value: string): boolean {
  return idSchema('evt').safeParse(value).success;
}

/** A task and every step under it, depth first, the task first. */
export function taskTreeNodes<F>(task: TaskTree<F>): TaskTree<F>[] {
  const nodes: TaskTree<F>[] = [];
  const visit = (node: TaskTree<F>) => {
    nodes.push(node);
    for (const child of [...(node.workflow ?? []), ...(node.next ?? []), ...(node.else ?? [])])
      visit(child);
  };
  visit(task);
  return nodes;
}

/**
 * The nodes of a tree in the order their events go out when several moved
 * at once: the task first and its steps after, but once the task has ended
 * it comes last, so that its final event is the last word.
 */
export function inEventOrder<F>(task: TaskTree<F>): TaskTree<F>[] {
  const [root, ...steps] = taskTreeNodes(task);
  return isFinalStatus(root!.status) ? [...steps, root!] : [root!, ...steps];
}
