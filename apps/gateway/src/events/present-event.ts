import {
  isTaskEvent,
  publicFile,
  type Automation,
  type FileObject,
  type LoggedEventRecord,
  type LoggedEventWithDeliveries,
  type LoggedEvent,
  type ProjectEventRecord,
  type PublicFile,
  type TaskObject,
  type TaskRecord,
} from '@mediaflow/contracts';
import { presentFile, type FileUrlOf } from '../files/present-file';

/** How an answer presents what events carry: tasks and files with signed URLs for its origin. */
export interface EventPresenter {
  task(task: TaskRecord): TaskObject;
  fileUrl: FileUrlOf;
}

/**
 * A file's or an automation's event data as clients see it: a file with its
 * signed `url`, but a deleted one without (its bytes are gone).
 */
export function presentEventData(
  event: Exclude<LoggedEventRecord, ProjectEventRecord>,
  fileUrl: FileUrlOf,
): FileObject | PublicFile | Automation {
  switch (event.type) {
    case 'file.created':
      return presentFile(event.data, fileUrl);
    case 'file.deleted':
      return publicFile(event.data);
    default:
      return event.data;
  }
}

/** An event of the log with its deliveries, as `GET /events` answers it. */
export function presentLoggedEvent(
  { event, deliveries }: LoggedEventWithDeliveries,
  presenter: EventPresenter,
): LoggedEvent {
  const data = isTaskEvent(event)
    ? presenter.task(event.data)
    : presentEventData(event, presenter.fileUrl);
  return {
    id: event.id,
    type: event.type,
    created_at: event.created_at,
    data,
    deliveries,
  } as LoggedEvent;
}
