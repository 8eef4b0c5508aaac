import { MediaflowApiError, MediaflowConnectionError } from '../errors';
import {
  apiError,
  fakeFetch,
  json,
  networkError,
  recordedSleep,
  type FakeAnswer,
  type SeenRequest,
} from '../testing/fake-api';
import { HttpClient, type ByteBody, type ClientOptions } from './http-client';

function client(
  answer: (request: SeenRequest, index: number) => FakeAnswer,
  options: Partial<ClientOptions> = {},
) {
  const api = fakeFetch(answer);
  const { sleep, waits } = recordedSleep();
  const http = new HttpClient(
    { baseUrl: 'http://api.test/v/', apiKey: 'mf_key', fetch: api.fetch, ...options },
    { sleep, random: () => 0.5, now: () => Date.parse('2026-12-01T12:00:00Z') },
  );
  return { http, requests: api.requests, waits };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('HttpClient: the request', () => {
  it('builds the URL, the headers and the JSON body', async () => {
    const { http, requests } = client(() => json(201, { id: 'task_1' }));
    const answer = await http.request({
      method: 'POST',
      path: '/tasks',
      query: { a: 1, b: undefined, c: 'x y', d: null },
      json: { kind: 'image', url: 'https://example.com/a.jpg' },
      waitSeconds: 10,
    });
    expect(answer).toMatchObject({ status: 201, data: { id: 'task_1' } });
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request!.url).toBe('http://api.test/v/tasks?a=1&c=x+y');
    expect(request!.headers).toMatchObject({
      authorization: 'Bearer mf_key',
      accept: 'application/json',
      'content-type': 'application/json',
      prefer: 'wait=10',
    });
    expect(request!.headers['idempotency-key']).toMatch(UUID);
    expect(JSON.parse(request!.body!)).toEqual({ kind: 'image', url: 'https://example.com/a.jpg' });
  });

  it('sends an Idempotency-Key on POSTs only, and the caller’s when given', async () => {
    const { http, requests } = client(() => json(200, {}));
    await http.request({ method: 'GET', path: '/tasks' });
    await http.request({ method: 'PATCH', path: '/automations/a', json: {} });
    await http.request({ method: 'DELETE', path: '/files/f' });
    await http.request({ method: 'POST', path: '/tasks', json: {}, idempotencyKey: 'job-42' });
    expect(requests.map((r) => r.headers['idempotency-key'])).toEqual([
      undefined,
      undefined,
      undefined,
      'job-42',
    ]);
  });

  it('sends no key when told not to (a signed URL), and takes absolute URLs as they are', async () => {
    const { http, requests } = client(() => json(200, {}));
    await http.request({ method: 'GET', path: 'http://cdn.test/files/f?signature=s', auth: false });
    expect(requests[0]!.url).toBe('http://cdn.test/files/f?signature=s');
    expect(requests[0]!.headers.authorization).toBeUndefined();
  });

  it('merges headers: the client’s, the call’s, and its own last', async () => {
    const { http, requests } = client(() => json(200, {}), { headers: { 'x-request-id': 'r1' } });
    await http.request({
      method: 'GET',
      path: '/tasks',
      options: { headers: { 'x-trace': 't', authorization: 'overridden?' } },
    });
    expect(requests[0]!.headers).toMatchObject({
      'x-request-id': 'r1',
      'x-trace': 't',
      authorization: 'Bearer mf_key',
    });
  });

  it('needs a base URL outside a browser', () => {
    expect(() => new HttpClient({})).toThrow(/baseUrl is required/);
  });
});

describe('HttpClient: retries', () => {
  it('retries network errors, 5xx and 429 with the same Idempotency-Key, then succeeds', async () => {
    const answers: FakeAnswer[] = [
      networkError(),
      apiError(503, 'service_unavailable', 'down', { 'retry-after': '2' }),
      apiError(429, 'rate_limited', 'slow down', { 'retry-after': '1' }),
      json(201, { id: 'task_1' }),
    ];
    const { http, requests, waits } = client((_r, i) => answers[i]!, { maxRetries: 3 });
    const answer = await http.request({ method: 'POST', path: '/tasks', json: { kind: 'image' } });
    expect(answer.data).toEqual({ id: 'task_1' });
    expect(requests).toHaveLength(4);
    const keys = new Set(requests.map((r) => r.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    // Backoff after the network error, then each Retry-After.
    expect(waits).toEqual([500, 2000, 1000]);
  });

  it('gives up after maxRetries (default 2: three attempts) with the last error', async () => {
    const { http, requests, waits } = client(() => apiError(500, 'internal', 'boom'));
    const error = await http.request({ method: 'GET', path: '/tasks' }).catch((e: unknown) => e);
    expect(MediaflowApiError.is(error) && error.code).toBe('internal');
    expect(requests).toHaveLength(3);
    expect(waits).toEqual([500, 1000]);
  });

  it('a call may set its own retries', async () => {
    const { http, requests } = client(() => networkError());
    const error = await http
      .request({ method: 'GET', path: '/tasks', options: { maxRetries: 0 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaflowConnectionError);
    expect((error as MediaflowConnectionError).message).toContain('ECONNRESET');
    expect(requests).toHaveLength(1);
  });

  it.each([
    [400, 'validation_failed'],
    [401, 'unauthorized'],
    [404, 'not_found'],
    [409, 'conflict'],
    [422, 'input_unreadable'],
  ])('does not retry a %i', async (status, code) => {
    const { http, requests } = client(() => apiError(status, code));
    await expect(http.request({ method: 'POST', path: '/tasks', json: {} })).rejects.toMatchObject({
      status,
      code,
    });
    expect(requests).toHaveLength(1);
  });

  it('throws at once when Retry-After asks for more than a minute', async () => {
    const { http, requests, waits } = client(() =>
      apiError(429, 'rate_limited', 'locked out', { 'retry-after': '600' }),
    );
    const error = await http.request({ method: 'GET', path: '/tasks' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited' });
    expect((error as MediaflowApiError).headers.get('retry-after')).toBe('600');
    expect(requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('stops when the caller aborts, without retrying', async () => {
    const controller = new AbortController();
    const { http, requests } = client(() => {
      controller.abort(new Error('stop'));
      return networkError();
    });
    await expect(
      http.request({ method: 'GET', path: '/tasks', options: { signal: controller.signal } }),
    ).rejects.toThrow('stop');
    expect(requests).toHaveLength(1);
  });

  it('times an attempt out, retries it, and says it timed out', async () => {
    let calls = 0;
    // Never answers; rejects as fetch does once its signal aborts.
    const hanging = async (_url: string, init: RequestInit) => {
      calls++;
      return new Promise<Response>((_resolve, reject) =>
        init.signal!.addEventListener('abort', () => reject(init.signal!.reason)),
      );
    };
    const { sleep } = recordedSleep();
    const http = new HttpClient(
      { baseUrl: 'http://api.test', timeoutMs: 20, maxRetries: 1, fetch: hanging },
      { sleep },
    );
    const error = await http.request({ method: 'GET', path: '/tasks' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaflowConnectionError);
    expect(error).toMatchObject({ timedOut: true });
    expect((error as Error).message).toContain('no answer within 20 ms');
    expect(calls).toBe(2);
  });

  it('gives a call with Prefer: wait its seconds on top of the time limit', async () => {
    let aborted = false;
    const slow = async (_url: string, init: RequestInit) =>
      new Promise<Response>((resolve) => {
        init.signal!.addEventListener('abort', () => (aborted = true));
        setTimeout(() => resolve(json(201, { id: 'task_1' })), 60);
      });
    const http = new HttpClient({ baseUrl: 'http://api.test', timeoutMs: 20, fetch: slow });
    await expect(
      http.request({ method: 'POST', path: '/tasks', json: {}, waitSeconds: 1 }),
    ).resolves.toMatchObject({ status: 201 });
    expect(aborted).toBe(false);
  });

  it('does not resend a one-shot body once it was read, but does if it was not', async () => {
    const oneShot = (touched: boolean): ByteBody => ({
      headers: { 'content-type': 'video/mp4' },
      replayable: false,
      open: () => ({ body: 'bytes', touched: () => touched, duplex: true }),
    });
    const read = client(() => networkError());
    await expect(
      read.http.request({ method: 'POST', path: '/files', bytes: oneShot(true) }),
    ).rejects.toBeInstanceOf(MediaflowConnectionError);
    expect(read.requests).toHaveLength(1);

    const unread = client((_r, i) => (i === 0 ? networkError() : json(201, { id: 'file_1' })));
    await expect(
      unread.http.request({ method: 'POST', path: '/files', bytes: oneShot(false) }),
    ).resolves.toMatchObject({ status: 201 });
    expect(unread.requests).toHaveLength(2);
  });

  it('a 2xx that is not JSON is an unexpected response, not retried', async () => {
    const { http, requests } = client(() => new Response('<html>', { status: 200 }));
    await expect(http.request({ method: 'GET', path: '/tasks' })).rejects.toMatchObject({
      code: 'unexpected_response',
    });
    expect(requests).toHaveLength(1);
  });
});
