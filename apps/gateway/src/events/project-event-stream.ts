import {
  isFinalStatus,
  isTaskEvent,
  projectEvent,
  type LoggedEventRecord,
  type ProjectEventRecord,
  type TaskChange,
  type TaskObject,
  type TaskRecord,
} from '@mediaflow/contracts';
import { toErrorResponse } from '../http/error-envelope.filter';
import type { EventLogPage, EventLogQuery } from '../task-changes/event-log';
import { TaskRereads, isTransientError } from '../task-changes/task-rereads';
import { SSE_OPEN, SseStream, sseEvent, type EventSink, type StreamTiming } from '../http/sse';
import { eventMessage } from '../tasks/task-events';

/** Which of the project's events a stream sends. */
export interface ProjectEventFilter {
  /** A task's (a run's: its own and its steps'). */
  taskIds?: ReadonlySet<string>;
  automationId?: string;
}

export interface ProjectEventSource {
  /** A page of kept events after `cursor`, filtered as the stream's filter says. */
  read(cursor: string): Promise<EventLogPage>;
  /** A task as it is now: the data of a progress event no notification carried. */
  readTask(id: string): Promise<TaskRecord>;
  present(task: TaskRecord): TaskObject;
  /** A file's or an automation's event data, as clients see it. */
  presentOther(event: Exclude<LoggedEventRecord, ProjectEventRecord>): unknown;
  /** Calls `listener` with every change of the project, until the returned function is called. */
  follow(listener: (change: TaskChange) => void): () => void;
}

/** After a read that left events pending (a transaction still running), the next read. */
export const PENDING_RETRY_MS = 10;
/** Tasks whose progress a stream remembers, to send each progress once and none after the end. */
const REMEMBERED_TASKS = 10_000;
/** Tasks read for one change that carried no events: a larger change is a run's, kept in the log. */
const PROGRESS_READS_PER_CHANGE = 8;

/**
 * `GET /events/stream`: every event of a project (its tasks', files' and
 * automations'), or of one task or automation, on one connection. Kept events come from the event log in its
 * order (read again whenever the scheduler announces a change, and on a
 * slow safety interval), so a stream resumed after its last event's id
 * (`Last-Event-ID`) misses none. `task.progress`, which the log does not
 * keep, is sent as it is heard, without an `id:` line.
 */
export class ProjectEventStream extends SseStream {
  private cursor = '';
  private pulls?: TaskRereads;
  private unfollow?: () => void;
  private retry?: NodeJS.Timeout;
  /** Task id → the last progress event sent, or `ended` once its final event was. */
  private readonly progress = new Map<string, string>();

  constructor(
    private readonly source: ProjectEventSource,
    sink: EventSink,
    timing: StreamTiming,
    private readonly filter: ProjectEventFilter,
  ) {
    super(sink, timing);
  }

  /** Starts with the log's first page: where to follow from, and any events to resend. */
  start(first: EventLogPage): void {
    this.cursor = first.cursor;
    this.open();
    // Often nothing to send yet: without a first line the client would not see the stream open.
    this.sink.write(SSE_OPEN);
    this.sendKept(first.data);
    this.pulls = new TaskRereads(() => this.pull(), this.timing.recheckMs);
    this.unfollow = this.source.follow((change) => this.hear(change));
    if (first.has_more || first.pending) this.pulls.wake();
  }

  private hear(change: TaskChange): void {
    if (this.closed) return;
    const events = change.events ?? [];
    for (const event of events) {
      if (event.type === 'task.progress' && this.wants(event.data)) this.sendProgress(event);
    }
    if (events.length === 0) void this.readProgress(change);
    if (events.length === 0 || events.some((event) => event.type !== 'task.progress'))
      this.pulls?.wake();
  }

  /** The kept events after the cursor, page after page. */
  private async pull(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      let page: EventLogPage;
      try {
        page = await this.source.read(this.cursor);
      } catch (error) {
        if (this.closed || isTransientError(error)) return;
        this.sink.write(sseEvent('error', toErrorResponse(error).envelope));
        return this.end();
      }
      if (this.closed) return;
      this.sendKept(page.data);
      this.cursor = page.cursor;
      if (page.pending) {
        clearTimeout(this.retry);
        this.retry = setTimeout(() => this.pulls?.wake(), PENDING_RETRY_MS);
      }
      if (!page.has_more) return;
    }
  }

  /** A change that carried no events (progress, a retry): its tasks read, their progress sent. */
  private async readProgress(change: TaskChange): Promise<void> {
    for (const id of change.task_ids.slice(0, PROGRESS_READS_PER_CHANGE)) {
      if (this.closed || (this.filter.taskIds && !this.filter.taskIds.has(id))) continue;
      let task: TaskRecord;
      try {
        task = await this.source.readTask(id);
      } catch {
        continue; // Progress is advisory: the next change says more.
      }
      const event = projectEvent(task);
      if (!this.closed && event.type === 'task.progress' && this.wants(task))
        this.sendProgress(event);
    }
  }

  private sendKept(events: readonly LoggedEventRecord[]): void {
    for (const event of events) {
      if (!isTaskEvent(event)) {
        this.sink.write(eventMessage({ ...event, data: this.source.presentOther(event) }));
        continue;
      }
      this.write(event);
      if (isFinalStatus(event.data.status)) this.remember(event.data.id, 'ended');
    }
  }

  private sendProgress(event: ProjectEventRecord): void {
    const last = this.progress.get(event.data.id);
    if (last === 'ended' || last === event.id) return;
    this.write(event);
    this.remember(event.data.id, event.id);
  }

  private write(event: ProjectEventRecord): void {
    this.sink.write(eventMessage({ ...event, data: this.source.present(event.data) }));
  }

  /** A run's ingest is not a step of it: the log keeps nothing of it, and its progress is not sent either. */
  private wants(task: TaskRecord): boolean {
    const { taskIds, automationId } = this.filter;
    return (
      !(task.kind === 'ingest' && task.parent_id !== null) &&
      (!taskIds || taskIds.has(task.id)) &&
      (automationId === undefined || task.automation_id === automationId)
    );
  }

  private remember(taskId: string, value: string): void {
    this.progress.delete(taskId);
    this.progress.set(taskId, value);
    if (this.progress.size > REMEMBERED_TASKS)
      this.progress.delete(this.progress.keys().next().value!);
  }

  protected release(): void {
    this.pulls?.stop();
    this.unfollow?.();
    clearTimeout(this.retry);
  }
}

/** The part of a log query that says which events a stream's filter wants. */
export function logFilter(filter: ProjectEventFilter): Omit<EventLogQuery, 'after_cursor'> {
  return {
    ...(filter.taskIds ? { task_ids: [...filter.taskIds] } : {}),
    ...(filter.automationId !== undefined ? { automation_id: filter.automationId } : {}),
  };
}

/** The log query of a stream's filter, after `cursor`. */
export function logQuery(filter: ProjectEventFilter, cursor: string): EventLogQuery {
  return { after_cursor: cursor, ...logFilter(filter) };
}
