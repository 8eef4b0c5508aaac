import { MediaflowApiError, MediaflowTimeoutError } from '../errors';
import type { HttpClient } from '../http/http-client';
import { isRetryableStatus } from '../http/retry-policy';
import { abortableSleep, linkSignal } from '../http/signals';
import { ITERATE_PAGE_LIMIT, paginate } from '../pagination';
import { connectOnce, follow } from '../sse/event-stream';
import type {
  CreateTaskBody,
  List,
  RequestOptions,
  StartOptions,
  TaskEvent,
  TaskListQuery,
  TaskObject,
  TaskStatus,
} from '../types';
import { path } from './path';

/** The statuses a task never leaves. Typed over every status, so a new one must be placed here. */
const FINAL: Readonly<Record<TaskStatus, boolean>> = {
  pending: false,
  waiting: false,
  processing: false,
  completed: true,
  failed: true,
  skipped: true,
  cancelled: true,
};

/** Whether a task in `status` has ended: completed, failed, skipped or cancelled. */
export function isFinalStatus(status: TaskStatus): boolean {
  return FINAL[status];
}

export interface WaitOptions {
  /**
   * Called with the task as last seen and each event of its stream: the
   * task's own, and its steps' for a run (`event.data` is then the step).
   * After a cut, the task as read again comes without an event.
   */
  onProgress?: (task: TaskObject, event?: TaskEvent) => void;
  /** Stops waiting: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Gives up after this many ms, rejecting with {@link MediaflowTimeoutError}. */
  timeout?: number;
  /**
   * While the event stream cannot be had, the task is read this often,
   * at first, in ms (default 1000; then slower, up to 10 s).
   */
  pollIntervalMs?: number;
}

export interface TaskEventsOptions {
  /** Resume after this event (its `id`): the ones kept since come first. */
  lastEventId?: string;
  signal?: AbortSignal;
  /** Reopen the stream after a cut, with `Last-Event-ID` (default true). */
  reconnect?: boolean;
}

/** `/tasks`: single tasks and runs, their events, and waiting for them to end. */
export class Tasks {
  constructor(private readonly http: HttpClient) {}

  /**
   * Runs one kind (`{ kind: 'image', url, options }`) or an ad-hoc workflow
   * (`{ kind: 'workflow', url, workflow }`) on a URL or a stored file.
   */
  async create(body: CreateTaskBody, options: StartOptions = {}): Promise<TaskObject> {
    const { wait, idempotencyKey, ...rest } = options;
    return (
      await this.http.request<TaskObject>({
        method: 'POST',
        path: '/tasks',
        json: body,
        idempotencyKey,
        waitSeconds: wait,
        options: rest,
      })
    ).data;
  }

  /** A task; a run with its steps as a tree under `workflow`. */
  async get(id: string, options?: RequestOptions): Promise<TaskObject> {
    return (
      await this.http.request<TaskObject>({ method: 'GET', path: path`/tasks/${id}`, options })
    ).data;
  }

  /** One page, newest first (`status`, `kind`, `automation_id`). */
  async list(query: TaskListQuery = {}, options?: RequestOptions): Promise<List<TaskObject>> {
    return (
      await this.http.request<List<TaskObject>>({ method: 'GET', path: '/tasks', query, options })
    ).data;
  }

  /** Every task the query matches, page after page. */
  iterate(query: TaskListQuery = {}, options?: RequestOptions): AsyncGenerator<TaskObject> {
    return paginate((page) => this.list({ limit: ITERATE_PAGE_LIMIT, ...query, page }, options));
  }

  /** Cancels a pending or processing task and its subtree. */
  async cancel(id: string, options?: RequestOptions): Promise<TaskObject> {
    return (
      await this.http.request<TaskObject>({
        method: 'POST',
        path: path`/tasks/${id}/cancel`,
        options,
      })
    ).data;
  }

  /** Runs again what failed or was cancelled, keeping what completed (docs/runs.md, Retrying). */
  async retry(id: string, options: StartOptions = {}): Promise<TaskObject> {
    const { wait, idempotencyKey, ...rest } = options;
    return (
      await this.http.request<TaskObject>({
        method: 'POST',
        path: path`/tasks/${id}/retry`,
        idempotencyKey,
        waitSeconds: wait,
        options: rest,
      })
    ).data;
  }

  /**
   * The task's events (`GET /tasks/{id}/events`) as they come, its steps'
   * included, until its final one. After a cut the stream is reopened with
   * `Last-Event-ID`, so nothing is missed (an event may come twice, with
   * its id). `task.progress` events have an id of their own but are not
   * kept: a cut may lose one, never a change of status.
   */
  events(id: string, options: TaskEventsOptions = {}): AsyncGenerator<TaskEvent> {
    return follow<TaskEvent>(this.http, {
      path: path`/tasks/${id}/events`,
      lastEventId: options.lastEventId,
      signal: options.signal,
      reconnect: options.reconnect,
      isLast: (event) => isRootFinal(event as TaskEvent, id),
    });
  }

  /**
   * Resolves with the task once it has ended (completed, failed, skipped or
   * cancelled: a failed task resolves too; look at its `status` and
   * `error`). Follows the event stream; after a cut it reads the task (it
   * may have ended meanwhile) and reopens the stream with `Last-Event-ID`,
   * reading the task at growing intervals while the stream cannot be had.
   */
  async wait(id: string, options: WaitOptions = {}): Promise<TaskObject> {
    const { onProgress, timeout, pollIntervalMs = 1000 } = options;
    const controller = new AbortController();
    const unlink = linkSignal(options.signal, controller);
    let task: TaskObject | undefined;
    const timer =
      timeout === undefined
        ? undefined
        : setTimeout(
            () =>
              controller.abort(
                new MediaflowTimeoutError(`task ${id} did not end within ${timeout} ms`, task),
              ),
            timeout,
          );
    const signal = controller.signal;
    try {
      let lastEventId: string | undefined;
      // Rounds in a row in which the stream brought nothing.
      let cuts = 0;
      for (;;) {
        const connection = connectOnce<TaskEvent>(this.http, {
          path: path`/tasks/${id}/events`,
          lastEventId,
          signal,
        });
        let received = false;
        try {
          for (;;) {
            const step = await connection.next();
            if (step.done) break;
            received = true;
            if (step.value.lastEventId) lastEventId = step.value.lastEventId;
            const event = step.value.data;
            if (event.data.id === id) task = event.data;
            if (task) onProgress?.(task, event);
            if (task && isFinalStatus(task.status)) return task;
          }
        } finally {
          await connection.return(undefined as never);
        }
        // Cut, or ended before the task did: read it (it may have ended meanwhile), then follow
        // the stream again; while the stream cannot be had, this is a poll.
        if (received) cuts = 0;
        const read = await this.readIfReachable(id, signal);
        if (read) {
          const moved =
            !task ||
            read.updated_at !== task.updated_at ||
            read.status !== task.status ||
            read.progress !== task.progress;
          if (moved) onProgress?.(read, undefined);
          task = read;
          if (isFinalStatus(task.status)) return task;
        }
        const delay = cuts === 0 ? 0 : Math.min(pollIntervalMs * 2 ** (cuts - 1), 10_000);
        await abortableSleep(delay, signal);
        cuts++;
      }
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw error;
    } finally {
      clearTimeout(timer);
      unlink();
    }
  }

  /** The task, or undefined while the API cannot be reached (a 5xx, a 429, no answer). */
  private async readIfReachable(id: string, signal: AbortSignal): Promise<TaskObject | undefined> {
    try {
      return await this.get(id, { signal });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (MediaflowApiError.is(error) && !isRetryableStatus(error.status)) throw error;
      return undefined;
    }
  }
}

function isRootFinal(event: TaskEvent, id: string): boolean {
  return event.data.id === id && isFinalStatus(event.data.status);
}
