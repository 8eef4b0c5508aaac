// For the unit tests: a fetch that answers from a script and notes every
// request, and the pieces of answers the API gives (JSON, errors, event streams).
import type { FetchLike } from '../http/http-client';

export interface SeenRequest {
  method: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export type FakeAnswer = Response | Error | (() => Response | Error | Promise<Response | Error>);

/** A fetch answering each request with the next answer of `handler`, noting what came. */
export function fakeFetch(handler: (request: SeenRequest, index: number) => FakeAnswer) {
  const requests: SeenRequest[] = [];
  const fetch: FetchLike = async (input, init) => {
    const url = new URL(input);
    let body: string | undefined;
    if (typeof init.body === 'string') body = init.body;
    else if (init.body) body = await new Response(init.body).text();
    const request: SeenRequest = {
      method: init.method ?? 'GET',
      url: input,
      path: url.pathname + url.search,
      headers: Object.fromEntries(new Headers(init.headers)),
      body,
    };
    requests.push(request);
    init.signal?.throwIfAborted();
    let answer = handler(request, requests.length - 1);
    if (typeof answer === 'function') answer = await answer();
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { fetch, requests };
}

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export function apiError(
  status: number,
  code: string,
  message = code,
  headers: Record<string, string> = {},
): Response {
  return json(status, { error: { code, message } }, headers);
}

/** What undici throws when a connection is refused or reset. */
export function networkError(): TypeError {
  return new TypeError('fetch failed', { cause: new Error('ECONNRESET') });
}

/** One SSE event as the gateway writes it. */
export function sseEvent(event: string, data: unknown, id?: string): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * An event stream answering `chunks`, then ending (`end: 'close'`), or
 * breaking as a cut connection does (`end: 'cut'`), or staying open.
 */
export function sseResponse(chunks: string[], end: 'close' | 'cut' | 'open' = 'close'): Response {
  const encoder = new TextEncoder();
  let next = 0;
  // One chunk per read, so that a cut comes after them (an errored stream drops what it queued).
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next < chunks.length) return controller.enqueue(encoder.encode(chunks[next++]!));
      if (end === 'close') return controller.close();
      if (end === 'cut') return controller.error(new TypeError('terminated'));
      return new Promise<void>(() => undefined);
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

/** A sleep that only notes how long it was asked to wait. */
export function recordedSleep() {
  const waits: number[] = [];
  const sleep = async (ms: number, signal?: AbortSignal) => {
    signal?.throwIfAborted();
    waits.push(ms);
  };
  return { sleep, waits };
}
