import { MediaflowApiError, MediaflowConnectionError, apiErrorFromEnvelope } from '../errors';
import type { HttpClient, Query } from '../http/http-client';
import { isRetryableStatus } from '../http/retry-policy';
import { abortableSleep, linkSignal } from '../http/signals';
import { SseParser, type SseMessage } from './sse-parser';

/** A stream went quiet for longer than the heartbeats allow: taken for cut. */
class StreamIdle extends Error {}

/**
 * The events of one open stream, until it ends, breaks, or `signal` aborts
 * (a fetch of our own may not tie its body to its signal: the read is
 * cancelled here too).
 */
async function* readMessages(
  body: ReadableStream<Uint8Array>,
  parser: SseParser,
  idleTimeoutMs: number,
  controller: AbortController,
): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const cancel = () => void reader.cancel(controller.signal.reason).catch(() => undefined);
  controller.signal.addEventListener('abort', cancel, { once: true });
  let idle: ReturnType<typeof setTimeout> | undefined;
  const watch = () => {
    clearTimeout(idle);
    if (idleTimeoutMs > 0)
      idle = setTimeout(() => controller.abort(new StreamIdle()), idleTimeoutMs);
  };
  try {
    watch();
    for (;;) {
      const { done, value } = await reader.read();
      if (done || controller.signal.aborted) break;
      watch();
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    clearTimeout(idle);
    controller.signal.removeEventListener('abort', cancel);
    reader.cancel().catch(() => undefined);
  }
}

/** One connection's outcome: ended by the server, or cut. */
export type ConnectionEnd = { ended: true } | { ended: false; error: unknown };

export interface StreamOpen {
  path: string;
  query?: Query;
  lastEventId?: string;
  signal?: AbortSignal;
}

/**
 * Opens an event stream once and reads it: each event's data parsed as
 * JSON, with its SSE `id:`. `event: error` (the envelope) throws the API
 * error it carries. A refused open throws {@link MediaflowApiError}; a cut
 * (network, silence) ends it with `{ ended: false }`, the server ending it
 * with `{ ended: true }`.
 */
export async function* connectOnce<T>(
  http: HttpClient,
  open: StreamOpen,
): AsyncGenerator<{ data: T; id?: string; lastEventId: string }, ConnectionEnd> {
  // A controller per connection: the caller's signal is linked to it and unlinked after.
  const controller = new AbortController();
  const unlink = linkSignal(open.signal, controller);
  try {
    let response: Response;
    try {
      response = await http.open({
        method: 'GET',
        path: open.path,
        query: open.query,
        headers: {
          accept: 'text/event-stream',
          ...(open.lastEventId ? { 'last-event-id': open.lastEventId } : {}),
        },
        // Reconnecting is the caller's: one attempt here.
        options: { signal: controller.signal, maxRetries: 0 },
      });
    } catch (error) {
      if (open.signal?.aborted) throw open.signal.reason;
      if (MediaflowApiError.is(error) && !isRetryableStatus(error.status)) throw error;
      return { ended: false, error };
    }
    const parser = new SseParser(open.lastEventId);
    try {
      for await (const message of readMessages(
        response.body!,
        parser,
        http.streamIdleTimeoutMs,
        controller,
      )) {
        const data = JSON.parse(message.data) as unknown;
        if (message.event === 'error') {
          throw (
            apiErrorFromEnvelope(data, undefined) ??
            new MediaflowConnectionError(`the stream ended with an error: ${message.data}`)
          );
        }
        yield { data: data as T, id: message.id, lastEventId: parser.lastEventId };
      }
      if (open.signal?.aborted) throw open.signal.reason;
      // Silence: taken for a cut.
      if (controller.signal.aborted) return { ended: false, error: controller.signal.reason };
      return { ended: true };
    } catch (error) {
      if (open.signal?.aborted) throw open.signal.reason;
      if (MediaflowApiError.is(error) || error instanceof SyntaxError) throw error;
      return { ended: false, error };
    }
  } finally {
    unlink();
  }
}

/** Reconnection delays: at once after a connection that brought events, then 0.5 s doubling to 10 s. */
export function reconnectDelayMs(failures: number): number {
  return failures === 0 ? 0 : Math.min(500 * 2 ** (failures - 1), 10_000);
}

export interface FollowOptions extends StreamOpen {
  /** Whether the stream is over once this event has come (a task's final event). */
  isLast?: (data: unknown) => boolean;
  /** Reconnect after a cut (default true); false: throw it. */
  reconnect?: boolean;
}

/**
 * A stream followed across cuts, as `EventSource` does: reopened with
 * `Last-Event-ID` after each, at once after a connection that brought
 * events, then waiting longer after each reopen that failed. A stream the
 * server ends is over once `isLast` has held, else reopened too (a gateway
 * shutting down ends its streams). Aborting `signal` ends it quietly.
 */
export async function* follow<T>(http: HttpClient, options: FollowOptions): AsyncGenerator<T> {
  try {
    yield* followUntilAborted<T>(http, options);
  } catch (error) {
    // Aborting is how a caller stops following: the iteration ends.
    if (options.signal?.aborted) return;
    throw error;
  }
}

async function* followUntilAborted<T>(http: HttpClient, options: FollowOptions): AsyncGenerator<T> {
  let lastEventId = options.lastEventId;
  // Connections in a row that brought nothing.
  let failures = 0;
  for (;;) {
    let received = false;
    const connection = connectOnce<T>(http, { ...options, lastEventId });
    let end: ConnectionEnd;
    try {
      for (;;) {
        const step = await connection.next();
        if (step.done) {
          end = step.value;
          break;
        }
        received = true;
        if (step.value.lastEventId) lastEventId = step.value.lastEventId;
        yield step.value.data;
        if (options.isLast?.(step.value.data)) return;
      }
    } finally {
      // The consumer stopped early (or the stream is over): close the connection.
      await connection.return(undefined as never);
    }
    if (options.reconnect === false) {
      if (end.ended) return;
      throw end.error;
    }
    if (received) failures = 0;
    await abortableSleep(reconnectDelayMs(failures), options.signal);
    failures++;
  }
}
