import { MediaflowApiError, MediaflowTimeoutError } from '../errors';
import { HttpClient } from '../http/http-client';
import {
  apiError,
  fakeFetch,
  json,
  networkError,
  recordedSleep,
  sseEvent,
  sseResponse,
  type FakeAnswer,
  type SeenRequest,
} from '../testing/fake-api';
import type { TaskEvent, TaskObject, TaskStatus } from '../types';
import { Tasks } from './tasks';

const ID = 'task_aaaaaaaaaaaaaaaa';

function task(status: TaskStatus, progress = 0, id = ID, updated_at = 1): TaskObject {
  return { id, object: 'task', kind: 'workflow', status, progress, updated_at } as TaskObject;
}

function event(eventId: string, data: TaskObject): string {
  const type = `task.${data.status === 'processing' ? 'progress' : data.status}`;
  return sseEvent(type, { id: eventId, type, created_at: 1, data }, eventId);
}

function tasks(answer: (request: SeenRequest, index: number) => FakeAnswer) {
  const api = fakeFetch(answer);
  const { sleep } = recordedSleep();
  const http = new HttpClient(
    { baseUrl: 'http://api.test', apiKey: 'mf_key', fetch: api.fetch },
    { sleep, random: () => 0.5 },
  );
  return { tasks: new Tasks(http), requests: api.requests };
}

describe('tasks.wait', () => {
  it('resolves with the final task from the event stream, telling each event on the way', async () => {
    const { tasks: t, requests } = tasks(() =>
      sseResponse(
        [
          ': open\n\n',
          event('evt_1', task('processing', 0)),
          event('evt_2', task('processing', 40, 'task_step')),
          event('evt_3', task('failed', 100, ID, 2)),
        ],
        'open',
      ),
    );
    const seen: [string, string | undefined][] = [];
    const final = await t.wait(ID, {
      onProgress: (current, e) => seen.push([current.status, e?.data.id]),
    });
    // A failed task resolves: it has ended.
    expect(final).toMatchObject({ id: ID, status: 'failed' });
    expect(seen).toEqual([
      ['processing', ID],
      ['processing', 'task_step'],
      ['failed', ID],
    ]);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      path: `/tasks/${ID}/events`,
      headers: { accept: 'text/event-stream', authorization: 'Bearer mf_key' },
    });
  });

  it('after a cut, reads the task and reopens the stream with Last-Event-ID', async () => {
    const answers: FakeAnswer[] = [
      sseResponse([event('evt_1', task('processing', 10)), 'event: task.pro'], 'cut'),
      json(200, task('processing', 50)),
      sseResponse([event('evt_9', task('completed', 100, ID, 5))], 'open'),
    ];
    const { tasks: t, requests } = tasks((_r, i) => answers[i]!);
    const progress: number[] = [];
    const final = await t.wait(ID, { onProgress: (current) => progress.push(current.progress) });
    expect(final.status).toBe('completed');
    expect(requests.map((r) => r.path)).toEqual([
      `/tasks/${ID}/events`,
      `/tasks/${ID}`,
      `/tasks/${ID}/events`,
    ]);
    expect(requests[0]!.headers['last-event-id']).toBeUndefined();
    expect(requests[2]!.headers['last-event-id']).toBe('evt_1');
    expect(progress).toEqual([10, 50, 100]);
  });

  it('polls the task while the stream cannot be had, and resolves when it has ended', async () => {
    let reads = 0;
    const { tasks: t, requests } = tasks((request) => {
      if (request.path.endsWith('/events')) return networkError();
      reads++;
      return json(200, reads < 3 ? task('processing', reads * 30) : task('completed', 100));
    });
    const final = await t.wait(ID, { pollIntervalMs: 1 });
    expect(final.status).toBe('completed');
    expect(reads).toBe(3);
    expect(requests.filter((r) => r.path.endsWith('/events')).length).toBe(3);
  });

  it('finds a task that ended during a cut, though the stream never said so', async () => {
    const answers: FakeAnswer[] = [
      sseResponse([event('evt_1', task('processing', 10))], 'close'),
      json(200, task('cancelled', 10, ID, 3)),
    ];
    const { tasks: t } = tasks((_r, i) => answers[i]!);
    await expect(t.wait(ID)).resolves.toMatchObject({ status: 'cancelled' });
  });

  it('throws what the API refuses (an unknown task) without waiting on', async () => {
    const { tasks: t, requests } = tasks(() => apiError(404, 'not_found', 'No task'));
    await expect(t.wait(ID)).rejects.toMatchObject({ status: 404, code: 'not_found' });
    expect(requests).toHaveLength(1);
  });

  it('throws an error the stream sends (a revoked key)', async () => {
    const { tasks: t } = tasks(() =>
      sseResponse([sseEvent('error', { error: { code: 'unauthorized', message: 'revoked' } })]),
    );
    const error = await t.wait(ID).catch((e: unknown) => e);
    expect(MediaflowApiError.is(error)).toBe(true);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('gives up after `timeout` with the last task seen', async () => {
    const { tasks: t } = tasks(() => sseResponse([event('evt_1', task('processing', 10))], 'open'));
    const error = await t.wait(ID, { timeout: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaflowTimeoutError);
    expect((error as MediaflowTimeoutError).task).toMatchObject({ progress: 10 });
  });

  it('stops when the signal aborts', async () => {
    const { tasks: t } = tasks(() => sseResponse([], 'open'));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('enough')), 10);
    await expect(t.wait(ID, { signal: controller.signal })).rejects.toThrow('enough');
  });
});

describe('tasks.events', () => {
  it('follows the stream across a cut until the final event of the task itself', async () => {
    const answers: FakeAnswer[] = [
      sseResponse([event('evt_1', task('processing', 10))], 'cut'),
      sseResponse(
        [
          event('evt_1', task('processing', 10)),
          event('evt_2', task('completed', 100, 'task_step')),
          event('evt_3', task('completed', 100)),
          event('evt_4', task('completed', 100, 'task_after')),
        ],
        'open',
      ),
    ];
    const { tasks: t, requests } = tasks((_r, i) => answers[i]!);
    const ids: string[] = [];
    for await (const e of t.events(ID, { lastEventId: 'evt_0' })) ids.push((e as TaskEvent).id);
    // evt_1 came twice (the stream resumes at or before the cut): ids tell.
    expect(ids).toEqual(['evt_1', 'evt_1', 'evt_2', 'evt_3']);
    expect(requests.map((r) => r.headers['last-event-id'])).toEqual(['evt_0', 'evt_1']);
  });

  it('without reconnect, a cut throws; breaking out closes the connection', async () => {
    const { tasks: t } = tasks(() => sseResponse([event('evt_1', task('processing'))], 'cut'));
    const events = t.events(ID, { reconnect: false });
    await expect(events.next()).resolves.toMatchObject({ done: false });
    await expect(events.next()).rejects.toThrow('terminated');

    const { tasks: open } = tasks(() =>
      sseResponse(
        [event('evt_1', task('processing')), event('evt_2', task('processing', 5))],
        'open',
      ),
    );
    let count = 0;
    for await (const _e of open.events(ID)) if (++count === 1) break;
    expect(count).toBe(1);
  });

  it('ends quietly when the signal aborts', async () => {
    const controller = new AbortController();
    const { tasks: t } = tasks(() => sseResponse([event('evt_1', task('processing'))], 'open'));
    const seen: unknown[] = [];
    for await (const e of t.events(ID, { signal: controller.signal })) {
      seen.push(e);
      controller.abort();
    }
    expect(seen).toHaveLength(1);
  });
});
