import {
  inEventOrder,
  isLoggedEventType,
  projectEventId,
  type LoggedEventType,
  type ProjectEventType,
  type TaskTree,
} from '@mediaflow/contracts';
import { sseEvent } from '../http/sse';

/**
 * An event of the streams: `event:` its type, `data:` the envelope, and
 * `id:` its id when the event log keeps it. `task.progress` is not kept,
 * so it has no `id:` line: a client's Last-Event-ID stays at the last event
 * a resume can start after.
 */
export function eventMessage(event: {
  id: string;
  type: ProjectEventType | LoggedEventType;
  data: unknown;
}): string {
  return sseEvent(event.type, event, isLoggedEventType(event.type) ? event.id : undefined);
}

/**
 * The tasks of a tree (the task, and a run's steps) whose state has moved
 * since the events already sent (task id → the id of its last event), in
 * the order to send them: the task first and its steps after, but once the
 * task has ended it comes last, so that its final event ends the stream.
 */
export function changedNodes<F>(
  task: TaskTree<F>,
  sent: ReadonlyMap<string, string>,
): TaskTree<F>[] {
  return inEventOrder(task).filter((node) => sent.get(node.id) !== projectEventId(node));
}
