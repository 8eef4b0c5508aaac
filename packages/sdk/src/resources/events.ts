import type { HttpClient } from '../http/http-client';
import { ITERATE_PAGE_LIMIT, paginate } from '../pagination';
import { follow } from '../sse/event-stream';
import type {
  EventListQuery,
  IdempotentOptions,
  List,
  LoggedEvent,
  RedeliverEventBody,
  RequestOptions,
  StreamEvent,
} from '../types';
import { path } from './path';

export interface EventStreamOptions {
  /** Only this task, and its steps when it is a run. */
  taskId?: string;
  /** Only this automation's runs (and their steps), and its own events. */
  automationId?: string;
  /** Resume after this event: every kept event since comes first, once, in order. */
  lastEventId?: string;
  /** Ends the stream (which otherwise never ends). */
  signal?: AbortSignal;
}

/** `/events`: the project's event log, its deliveries, and its live stream. */
export class Events {
  constructor(private readonly http: HttpClient) {}

  /** One page of the log, newest first, each event with its deliveries (`type`, `task_id`, `automation_id`). */
  async list(query: EventListQuery = {}, options?: RequestOptions): Promise<List<LoggedEvent>> {
    return (
      await this.http.request<List<LoggedEvent>>({ method: 'GET', path: '/events', query, options })
    ).data;
  }

  iterate(query: EventListQuery = {}, options?: RequestOptions): AsyncGenerator<LoggedEvent> {
    return paginate((page) => this.list({ limit: ITERATE_PAGE_LIMIT, ...query, page }, options));
  }

  async get(id: string, options?: RequestOptions): Promise<LoggedEvent> {
    return (
      await this.http.request<LoggedEvent>({ method: 'GET', path: path`/events/${id}`, options })
    ).data;
  }

  /**
   * Delivers the event again: to every active endpoint that asks for its
   * type, or with `{ endpoint_id }` to that one.
   */
  async redeliver(
    id: string,
    body: RedeliverEventBody = {},
    options?: IdempotentOptions,
  ): Promise<LoggedEvent> {
    const { idempotencyKey, ...rest } = options ?? {};
    return (
      await this.http.request<LoggedEvent>({
        method: 'POST',
        path: path`/events/${id}/redeliver`,
        json: body,
        idempotencyKey,
        options: rest,
      })
    ).data;
  }

  /**
   * The project's events as they happen (`GET /events/stream`), followed
   * across cuts with `Last-Event-ID` until `signal` aborts. An id the log no
   * longer has throws {@link MediaflowApiError} 410 `event_expired`: read
   * what you need, then follow without it. `task.progress` events are not
   * kept, so a cut can lose one (never a change of status).
   */
  stream(options: EventStreamOptions = {}): AsyncGenerator<StreamEvent> {
    return follow<StreamEvent>(this.http, {
      path: '/events/stream',
      query: { task_id: options.taskId, automation_id: options.automationId },
      lastEventId: options.lastEventId,
      signal: options.signal,
    });
  }
}
