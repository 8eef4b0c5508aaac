import { Mediaflow } from '../index';
import {
  apiError,
  fakeFetch,
  sseEvent,
  sseResponse,
  type FakeAnswer,
  type SeenRequest,
} from '../testing/fake-api';
import type { StreamEvent } from '../types';

function client(answer: (request: SeenRequest, index: number) => FakeAnswer) {
  const api = fakeFetch(answer);
  const mf = new Mediaflow({ baseUrl: 'http://api.test', apiKey: 'mf_key', fetch: api.fetch });
  return { mf, requests: api.requests };
}

const logged = (id: string, type: string) =>
  sseEvent(type, { id, type, created_at: 1, data: { id: 'file_1', object: 'file' } }, id);

describe('events.stream', () => {
  it('follows the project stream across cuts with Last-Event-ID, until aborted', async () => {
    const answers: FakeAnswer[] = [
      sseResponse([logged('evt_1', 'file.created')], 'cut'),
      sseResponse([logged('evt_2', 'file.deleted')], 'close'),
      sseResponse([logged('evt_3', 'automation.created')], 'open'),
    ];
    const { mf, requests } = client((_r, i) => answers[i]!);
    const controller = new AbortController();
    const seen: StreamEvent[] = [];
    for await (const event of mf.events.stream({
      automationId: 'auto_1',
      signal: controller.signal,
    })) {
      seen.push(event);
      if (seen.length === 3) controller.abort();
    }
    expect(seen.map((e) => e.type)).toEqual(['file.created', 'file.deleted', 'automation.created']);
    expect(requests.map((r) => [r.path, r.headers['last-event-id']])).toEqual([
      ['/events/stream?automation_id=auto_1', undefined],
      ['/events/stream?automation_id=auto_1', 'evt_1'],
      ['/events/stream?automation_id=auto_1', 'evt_2'],
    ]);
  });

  it('throws 410 event_expired when the log no longer has the id', async () => {
    const { mf } = client(() => apiError(410, 'event_expired', 'gone'));
    const events = mf.events.stream({ lastEventId: 'evt_old' });
    await expect(events.next()).rejects.toMatchObject({ status: 410, code: 'event_expired' });
  });
});
