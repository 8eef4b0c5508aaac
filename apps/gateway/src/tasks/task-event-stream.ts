import {
  isFinalStatus,
  projectEvent,
  type ProjectEventRecord,
  type ProjectEventType,
  type TaskObject,
  type TaskRecord,
  taskTreeNodes,
} from '@mediaflow/contracts';
import { toErrorResponse } from '../http/error-envelope.filter';
import type { HeardChange } from '../task-changes/task-change-feed';
import { TaskRereads, isTransientError } from '../task-changes/task-rereads';
import { SseStream, sseEvent, type EventSink, type StreamTiming } from '../http/sse';
import { changedNodes, eventMessage } from './task-events';

export interface TaskEventSource {
  /** The task now; rejects with the service's error. */
  read(): Promise<TaskRecord>;
  present(task: TaskRecord): TaskObject;
  /**
   * Calls `wake` whenever one of these tasks changed (and at once if one
   * did since the first read), until the returned function is called.
   */
  watch(taskIds: readonly string[], wake: (change: HeardChange) => void): () => void;
}

/**
 * `GET /tasks/:id/events`: sends the task (and a run's steps) at once, then
 * an event for each task of the tree whose state moved: `task.started`,
 * `task.progress`, … in the envelope `{ id, type, created_at, data }`. The
 * events come with the scheduler's change notifications; a change that
 * carries none (progress, a retry) is read. Ends once the task is final. A
 * client that goes away stops it. The scheduler not answering for a moment
 * is waited out; any other error is sent as `event: error` and ends it.
 */
export class TaskEventStream extends SseStream {
  /** Task id → the id of the last event sent about it. */
  private readonly sent = new Map<string, string>();
  /** The tree's task ids: events of others are not this stream's. */
  private nodeIds = new Set<string>();
  /** Events sent from notifications so far: a read begun before one of them is stale. */
  private pushed = 0;
  private rereads?: TaskRereads;
  private unwatch?: () => void;

  constructor(
    private readonly source: TaskEventSource,
    sink: EventSink,
    timing: StreamTiming,
  ) {
    super(sink, timing);
  }

  /**
   * Starts with the task as first read (already known to exist). A stream
   * resumed after a cut (`Last-Event-ID`) first replays the kept events
   * since, then sends whatever else differs in the task as read: an event
   * the client had may come again, with its id; none is missed.
   */
  start(first: TaskRecord, replay: readonly ProjectEventRecord[] = []): void {
    this.open();
    this.nodeIds = new Set(taskTreeNodes(first).map((node) => node.id));
    if (!this.sendEvents(replay) || !this.send(first)) return;
    const rereads = new TaskRereads(() => this.reread(), this.timing.recheckMs);
    this.rereads = rereads;
    this.unwatch = this.source.watch([...this.nodeIds], (change) => {
      if (change.events.length === 0) rereads.wake();
      else if (!this.closed) {
        this.pushed++;
        this.sendEvents(change.events);
      }
    });
  }

  private async reread(): Promise<void> {
    if (this.closed) return;
    const pushed = this.pushed;
    let task: TaskRecord;
    try {
      task = await this.source.read();
    } catch (error) {
      // Tried again on the next notification, or the next recheck.
      if (this.closed || isTransientError(error)) return;
      this.sink.write(sseEvent('error', toErrorResponse(error).envelope));
      return this.end();
    }
    if (this.closed) return;
    // Events came while reading: the read may be older than they are. Read again instead.
    if (this.pushed !== pushed) this.rereads?.wake();
    else this.send(task);
  }

  /** Sends what moved; false once the task is final (and the stream ended). */
  private send(task: TaskRecord): boolean {
    const changed = changedNodes(task, this.sent);
    if (changed.length > 0) {
      // Presented (URLs signed) only when there is news.
      const presented = new Map(taskTreeNodes(this.source.present(task)).map((n) => [n.id, n]));
      for (const node of changed) this.write(projectEvent(presented.get(node.id)!));
    }
    return this.endIfFinal(task);
  }

  /** Sends the events of this tree not sent yet, in their order; false once the task is final. */
  private sendEvents(events: readonly ProjectEventRecord[]): boolean {
    let root: TaskRecord | undefined;
    for (const event of events) {
      const id = event.data.id;
      if (!this.nodeIds.has(id) || this.sent.get(id) === event.id) continue;
      this.write({ ...event, data: this.source.present(event.data) });
      if (event.data.parent_id === null || !this.nodeIds.has(event.data.parent_id))
        root = event.data;
    }
    return root ? this.endIfFinal(root) : true;
  }

  private write(event: { id: string; type: ProjectEventType; data: TaskObject }): void {
    this.sink.write(eventMessage(event));
    this.sent.set(event.data.id, event.id);
  }

  private endIfFinal(root: TaskRecord): boolean {
    if (!isFinalStatus(root.status)) return true;
    this.end();
    return false;
  }

  protected release(): void {
    this.rereads?.stop();
    this.unwatch?.();
  }
}
