import { isFinalStatus, type TaskObject, type TaskRecord } from '@mediaflow/contracts';
import { toErrorResponse } from '../http/error-envelope.filter';
import { SSE_HEARTBEAT, hasChanged, isTransient, sseEvent, type TaskProgress } from './task-events';

export interface TaskEventTiming {
  /** How often the task is read. */
  pollMs: number;
  /** How often a quiet stream gets a comment line. */
  heartbeatMs: number;
}

export const DEFAULT_TASK_EVENT_TIMING: TaskEventTiming = { pollMs: 500, heartbeatMs: 15_000 };

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
}

/**
 * `GET /tasks/:id/events`: polls the task and sends `event: task` with the
 * task object whenever its status or progress changes, the first at once;
 * ends once the task is final. A client that goes away stops the polling.
 * The scheduler not answering for a moment is waited out; any other error
 * is sent as `event: error` and ends the stream.
 */
export class TaskEventStream {
  private last?: TaskProgress;
  private closed = false;
  private poller?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  private readonly onClosed: (() => void)[] = [];

  constructor(
    private readonly source: TaskEventSource,
    private readonly sink: EventSink,
    private readonly timing: TaskEventTiming = DEFAULT_TASK_EVENT_TIMING,
  ) {}

  /** Starts with the task as first read (already known to exist). */
  start(first: TaskRecord): void {
    this.sink.once('close', () => this.stop());
    this.heartbeat = setInterval(() => this.sink.write(SSE_HEARTBEAT), this.timing.heartbeatMs);
    if (this.send(first)) this.schedule();
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

  private schedule(): void {
    this.poller = setTimeout(() => void this.poll(), this.timing.pollMs);
  }

  private async poll(): Promise<void> {
    if (this.closed) return;
    let task: TaskRecord;
    try {
      task = await this.source.read();
    } catch (error) {
      if (this.closed) return;
      const { envelope } = toErrorResponse(error);
      if (isTransient(envelope.error)) return this.schedule();
      this.sink.write(sseEvent('error', envelope));
      return this.end();
    }
    if (!this.closed && this.send(task)) this.schedule();
  }

  /** Sends the task if it moved; false once it is final (and the stream ended). */
  private send(task: TaskRecord): boolean {
    if (hasChanged(this.last, task)) {
      this.sink.write(sseEvent('task', this.source.present(task)));
      this.last = { status: task.status, progress: task.progress };
    }
    if (!isFinalStatus(task.status)) return true;
    this.end();
    return false;
  }

  private stop(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.poller);
    clearInterval(this.heartbeat);
    for (const listener of this.onClosed.splice(0)) listener();
  }
}
