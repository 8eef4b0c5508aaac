import {
  isFinalStatus,
  projectEvent,
  type TaskObject,
  type TaskRecord,
} from '@mediaflow/contracts';
import { toErrorResponse } from '../http/error-envelope.filter';
import { TaskRereads, isTransientError } from '../task-changes/task-rereads';
import { SSE_HEARTBEAT, changedNodes, sseEvent, treeNodes } from './task-events';

export interface TaskEventTiming {
  /** How long after its last read the task is read again though no notification came. */
  recheckMs: number;
  /** How often a quiet stream gets a comment line. */
  heartbeatMs: number;
}

/** A comment line every 15 s: proxies close connections quiet for longer (nginx after 60 s). */
export const HEARTBEAT_MS = 15_000;

/** The part of a response the stream writes to: Node's ServerResponse in the gateway. */
export interface EventSink {
  write(chunk: string): unknown;
  end(): unknown;
  once(event: 'close', listener: () => void): unknown;
}

export interface TaskEventSource {
  /** The task now; rejects with the service's error. */
  read(): Promise<TaskRecord>;
  present(task: TaskRecord): TaskObject;
  /**
   * Calls `wake` whenever one of these tasks may have changed (and at once
   * if one did since the first read), until the returned function is called.
   */
  watch(taskIds: readonly string[], wake: () => void): () => void;
}

/**
 * `GET /tasks/:id/events`: sends the task (and a run's steps) at once, then
 * reads it again whenever the scheduler says it changed and sends an event
 * for each task of the tree whose state moved: `task.started`,
 * `task.progress`, … with `id:` and the envelope `{ id, type, created_at,
 * data }`. Ends once the task is final. A client that goes away stops it.
 * The scheduler not answering for a moment is waited out; any other error
 * is sent as `event: error` and ends the stream.
 */
export class TaskEventStream {
  /** Task id → the id of the last event sent about it. */
  private readonly sent = new Map<string, string>();
  private closed = false;
  private rereads?: TaskRereads;
  private unwatch?: () => void;
  private heartbeat?: NodeJS.Timeout;
  private readonly onClosed: (() => void)[] = [];

  constructor(
    private readonly source: TaskEventSource,
    private readonly sink: EventSink,
    private readonly timing: TaskEventTiming,
  ) {}

  /** Starts with the task as first read (already known to exist). */
  start(first: TaskRecord): void {
    this.sink.once('close', () => this.stop());
    this.heartbeat = setInterval(() => this.sink.write(SSE_HEARTBEAT), this.timing.heartbeatMs);
    if (!this.send(first)) return;
    const rereads = new TaskRereads(() => this.reread(), this.timing.recheckMs);
    this.rereads = rereads;
    this.unwatch = this.source.watch(
      treeNodes(first).map((node) => node.id),
      () => rereads.wake(),
    );
  }

  /** Calls `listener` once the stream is over, however it ended. */
  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.onClosed.push(listener);
  }

  /** Ends the stream from our side (the gateway shutting down). */
  end(): void {
    if (this.closed) return;
    this.stop();
    this.sink.end();
  }

  private async reread(): Promise<void> {
    if (this.closed) return;
    let task: TaskRecord;
    try {
      task = await this.source.read();
    } catch (error) {
      // Tried again on the next notification, or the next recheck.
      if (this.closed || isTransientError(error)) return;
      this.sink.write(sseEvent('error', toErrorResponse(error).envelope));
      return this.end();
    }
    if (!this.closed) this.send(task);
  }

  /** Sends what moved; false once the task is final (and the stream ended). */
  private send(task: TaskRecord): boolean {
    const changed = changedNodes(task, this.sent);
    if (changed.length > 0) {
      // Presented (URLs signed) only when there is news.
      const presented = new Map(treeNodes(this.source.present(task)).map((n) => [n.id, n]));
      for (const node of changed) {
        const event = projectEvent(presented.get(node.id)!);
        this.sink.write(sseEvent(event.type, event, event.id));
        this.sent.set(node.id, event.id);
      }
    }
    if (!isFinalStatus(task.status)) return true;
    this.end();
    return false;
  }

  private stop(): void {
    if (this.closed) return;
    this.closed = true;
    this.rereads?.stop();
    this.unwatch?.();
    clearInterval(this.heartbeat);
    for (const listener of this.onClosed.splice(0)) listener();
  }
}
