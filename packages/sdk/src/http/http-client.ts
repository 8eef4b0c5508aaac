import {
  MediaflowApiError,
  MediaflowConnectionError,
  UNEXPECTED_RESPONSE,
  apiErrorOf,
} from '../errors';
import type { RequestOptions } from '../types';
import { newIdempotencyKey } from './idempotency-key';
import { isRetryableStatus, parseRetryAfter, retryDelayMs } from './retry-policy';
import { abortableSleep, linkSignal } from './signals';

/** How the client is made: `new Mediaflow(options)`. */
export interface ClientOptions {
  /**
   * The gateway, e.g. `http://127.0.0.1:3000` (a path prefix is kept). In a
   * browser it defaults to the page's origin: a dashboard served beside the API.
   */
  baseUrl?: string;
  /** `mf_…`: every route but `/health` and signed downloads needs one. */
  apiKey?: string;
  /**
   * Retries of a call that met a network error, a timeout, a 408, 429 or
   * 5xx (default 2: three attempts in all). A POST carries one
   * `Idempotency-Key` on all of its attempts, so a retried create runs once.
   */
  maxRetries?: number;
  /**
   * Each attempt's time limit in ms until the answer's headers (and a JSON
   * body) are in (default 60000). A call with `wait` gets its seconds on
   * top; an upload's limit starts once its bytes are sent.
   */
  timeoutMs?: number;
  /** The `fetch` to use (default the global one): a mock, a proxy agent, a logger. */
  fetch?: FetchLike;
  /** Headers sent with every request (say, `x-request-id`). */
  headers?: Record<string, string>;
  /**
   * An event stream that sends nothing for this long (ms) is taken for cut
   * and reopened (default 45000: the gateway sends a comment every 15 s).
   */
  streamIdleTimeoutMs?: number;
}

/** The part of `fetch` the SDK uses. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 45_000;

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Query-string values; undefined ones are left out. */
export type Query = Record<string, string | number | boolean | undefined | null>;

/**
 * A request body of bytes (an upload), made afresh for each attempt: a
 * file read again, a Blob sent again. A one-shot stream cannot be, so an
 * upload of one is retried only if its first attempt failed before
 * reading a byte of it.
 */
export interface ByteBody {
  readonly headers: Record<string, string>;
  /**
   * The body of one attempt: `duplex` for a stream. `sent` is called once
   * its last byte has been handed over (by a stream, or by its own
   * transport): the attempt's time limit starts then, not while the bytes go.
   */
  open(sent: () => void): { body: BodyInit; touched: () => boolean; duplex: boolean };
  readonly replayable: boolean;
  /** A transport of its own (a browser's XMLHttpRequest, for upload progress). */
  readonly fetch?: FetchLike;
}

export interface HttpRequest {
  method: HttpMethod;
  /** A path under the base URL (`/tasks/task_…`), or an absolute URL (a signed download). */
  path: string;
  query?: Query;
  /** Sent as JSON. */
  json?: unknown;
  bytes?: ByteBody;
  headers?: Record<string, string>;
  /** POSTs only: by default one is made per call. */
  idempotencyKey?: string;
  /** `Prefer: wait=N`. */
  waitSeconds?: number;
  /** Send the API key (default true; a signed URL needs none). */
  auth?: boolean;
  /** The least time limit this route needs (POST /files waits for its ingest). */
  minTimeoutMs?: number;
  options?: RequestOptions;
}

export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  data: T;
}

/** Test seams: the clock's effects. */
export interface HttpInternals {
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

class AttemptTimeout extends Error {}

/**
 * Every call to the API goes through here: the URL and headers, the API
 * key, JSON, the time limit, the retries and their `Idempotency-Key`, and
 * the error envelope turned into {@link MediaflowApiError}.
 */
export class HttpClient {
  readonly baseUrl: string;
  readonly maxRetries: number;
  readonly timeoutMs: number;
  readonly streamIdleTimeoutMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(
    private readonly options: ClientOptions,
    internals: HttpInternals = {},
  ) {
    const base =
      options.baseUrl ?? (globalThis as { location?: { origin?: string } }).location?.origin;
    if (!base) throw new TypeError('Mediaflow: baseUrl is required (e.g. http://127.0.0.1:3000)');
    this.baseUrl = base.replace(/\/+$/, '');
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.streamIdleTimeoutMs = options.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS;
    this.sleep = internals.sleep ?? abortableSleep;
    this.random = internals.random ?? Math.random;
    this.now = internals.now ?? Date.now;
  }

  /** A call answering JSON; non-2xx answers throw {@link MediaflowApiError}. */
  async request<T>(request: HttpRequest): Promise<HttpResponse<T>> {
    const { response, text } = await this.send(request, async (response) => ({
      response,
      text: await response.text(),
    }));
    return {
      status: response.status,
      headers: response.headers,
      data: parseJson(response, text) as T,
    };
  }

  /**
   * A call whose body is read later (an event stream, a download): resolves
   * once the headers are in, with the body unread. The time limit stops
   * there; `signal` still aborts the body, until it has been read or cancelled.
   */
  async open(request: HttpRequest): Promise<Response> {
    return this.send(request, async (response) => response, { keepSignalLinked: true });
  }

  url(path: string, query?: Query): string {
    const url = /^https?:\/\//.test(path) ? path : `${this.baseUrl}${path}`;
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {}))
      if (value !== undefined && value !== null) params.set(name, String(value));
    const search = params.toString();
    return search ? `${url}${url.includes('?') ? '&' : '?'}${search}` : url;
  }

  private headersFor(request: HttpRequest, idempotencyKey: string | undefined) {
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...this.options.headers,
      ...request.bytes?.headers,
      ...request.options?.headers,
      ...request.headers,
    };
    if (request.auth !== false && this.options.apiKey)
      headers.authorization = `Bearer ${this.options.apiKey}`;
    if (request.json !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
    if (request.waitSeconds !== undefined && request.waitSeconds > 0)
      headers.prefer = `wait=${Math.ceil(request.waitSeconds)}`;
    return headers;
  }

  private attemptTimeoutMs(request: HttpRequest): number {
    const base = request.options?.timeoutMs ?? this.timeoutMs;
    const waited = base + (request.waitSeconds ?? 0) * 1000;
    return Math.max(waited, request.minTimeoutMs ?? 0);
  }

  private async send<R>(
    request: HttpRequest,
    read: (response: Response) => Promise<R>,
    { keepSignalLinked = false } = {},
  ): Promise<R> {
    const signal = request.options?.signal;
    const maxRetries = request.options?.maxRetries ?? this.maxRetries;
    const idempotencyKey =
      request.method === 'POST' ? (request.idempotencyKey ?? newIdempotencyKey()) : undefined;
    const headers = this.headersFor(request, idempotencyKey);
    const url = this.url(request.path, request.query);
    const timeoutMs = this.attemptTimeoutMs(request);
    // A fetch given to the client wins over an upload's own transport.
    const ownTransport = this.options.fetch ? undefined : request.bytes?.fetch;
    const fetchFn: FetchLike =
      this.options.fetch ?? ownTransport ?? ((input, init) => globalThis.fetch(input, init));

    for (let retry = 0; ; retry++) {
      signal?.throwIfAborted();
      const controller = new AbortController();
      const unlink = linkSignal(signal, controller);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const startTimer = () => {
        timer ??= setTimeout(() => controller.abort(new AttemptTimeout()), timeoutMs);
      };
      const opened = request.bytes?.open(startTimer);
      // Bytes that tell when they are sent start the time limit then.
      if (!opened?.duplex && !ownTransport) startTimer();
      const init: RequestInit & { duplex?: 'half' } = {
        method: request.method,
        headers,
        signal: controller.signal,
      };
      if (request.json !== undefined) init.body = JSON.stringify(request.json);
      if (opened) {
        init.body = opened.body;
        if (opened.duplex) init.duplex = 'half';
      }
      // Whether another attempt may send the same body again.
      const canRepeat = () => !opened || request.bytes!.replayable || !opened.touched();
      let outcome: { response: Response } | { failure: unknown };
      try {
        outcome = { response: await fetchFn(url, init) };
      } catch (error) {
        outcome = { failure: error };
      }

      if ('failure' in outcome) {
        clearTimeout(timer);
        unlink();
        if (signal?.aborted) throw signal.reason;
        const timedOut = controller.signal.reason instanceof AttemptTimeout;
        if (retry < maxRetries && canRepeat()) {
          await this.sleep(retryDelayMs(retry, undefined, this.random())!, signal);
          continue;
        }
        throw new MediaflowConnectionError(
          timedOut
            ? `${request.method} ${url}: no answer within ${timeoutMs} ms`
            : `${request.method} ${url}: ${describe(outcome.failure)}`,
          { cause: outcome.failure, timedOut },
        );
      }

      const { response } = outcome;
      if (!response.ok) {
        clearTimeout(timer);
        unlink();
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.now());
        const delay =
          retry < maxRetries && isRetryableStatus(response.status) && canRepeat()
            ? retryDelayMs(retry, retryAfterMs, this.random())
            : undefined;
        if (delay === undefined) throw await apiErrorOf(response);
        await response.body?.cancel().catch(() => undefined);
        await this.sleep(delay, signal);
        continue;
      }

      try {
        if (keepSignalLinked) {
          const linked = withBodyEnd(response, unlink);
          return await read(linked);
        }
        return await read(response);
      } catch (error) {
        // The body broke off: the same as no answer.
        if (signal?.aborted) throw signal.reason;
        if (retry < maxRetries && canRepeat()) {
          await this.sleep(retryDelayMs(retry, undefined, this.random())!, signal);
          continue;
        }
        throw new MediaflowConnectionError(`${request.method} ${url}: ${describe(error)}`, {
          cause: error,
          timedOut: controller.signal.reason instanceof AttemptTimeout,
        });
      } finally {
        clearTimeout(timer);
        if (!keepSignalLinked) unlink();
      }
    }
  }
}

/**
 * The response with a body that calls `end` once it is read to the end,
 * cancelled or broken: a stream's link to the caller's signal lives as long
 * as the stream, not as long as the signal.
 */
function withBodyEnd(response: Response, end: () => void): Response {
  if (!response.body) {
    end();
    return response;
  }
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          end();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        end();
        controller.error(error);
      }
    },
    cancel(reason) {
      end();
      return reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

function parseJson(response: Response, text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new MediaflowApiError({
      status: response.status,
      code: UNEXPECTED_RESPONSE,
      message: `HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`,
      headers: response.headers,
    });
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
