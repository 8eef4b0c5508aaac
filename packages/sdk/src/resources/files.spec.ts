import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Mediaflow as BrowserMediaflow } from '../browser';
import { Mediaflow } from '../index';
import {
  apiError,
  fakeFetch,
  json,
  networkError,
  sseEvent,
  sseResponse,
  type FakeAnswer,
  type SeenRequest,
} from '../testing/fake-api';
import type { UploadProgress } from '../files/upload-body';

const FILE = { id: 'file_1', object: 'file', url: 'http://api.test/files/file_1/content?sig=1' };

function client(answer: (request: SeenRequest, index: number) => FakeAnswer) {
  const api = fakeFetch(answer);
  const mf = new Mediaflow({ baseUrl: 'http://api.test', apiKey: 'mf_key', fetch: api.fetch });
  return { mf, requests: api.requests };
}

describe('files.upload (Node)', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'sdk-files-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uploads a path: named after it, with its length, progress reaching 100 %', async () => {
    const file = path.join(dir, 'photo.jpg');
    writeFileSync(file, Buffer.alloc(150_000, 7));
    const { mf, requests } = client(() => json(201, FILE));
    const progress: UploadProgress[] = [];
    await expect(mf.files.upload(file, { onProgress: (p) => progress.push(p) })).resolves.toEqual(
      FILE,
    );
    expect(requests[0]).toMatchObject({
      method: 'POST',
      path: '/files?filename=photo.jpg',
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': '150000',
        'idempotency-key': expect.any(String),
      },
    });
    expect(requests[0]!.body!.length).toBe(150_000);
    expect(progress.at(-1)).toEqual({ loaded: 150_000, total: 150_000 });
  });

  it('reads the path again on a retry, with the same Idempotency-Key', async () => {
    const file = path.join(dir, 'again.bin');
    writeFileSync(file, 'hello');
    const { mf, requests } = client((_r, i) =>
      i === 0
        ? apiError(503, 'service_unavailable', 'down', { 'retry-after': '0' })
        : json(201, FILE),
    );
    await mf.files.upload(file, { filename: 'named.bin', contentType: 'video/mp4' });
    expect(requests.map((r) => r.body)).toEqual(['hello', 'hello']);
    expect(requests[0]!.headers['idempotency-key']).toBe(requests[1]!.headers['idempotency-key']);
    expect(requests[1]!.path).toBe('/files?filename=named.bin');
    expect(requests[1]!.headers['content-type']).toBe('video/mp4');
  });

  it('uploads a Buffer, a Blob, a Node stream and a web stream', async () => {
    const { mf, requests } = client(() => json(201, FILE));
    await mf.files.upload(Buffer.from('abc'));
    await mf.files.upload(new Blob(['def'], { type: 'image/png' }));
    await mf.files.upload(Readable.from([Buffer.from('gh'), Buffer.from('i')]), { size: 3 });
    await mf.files.upload(new Blob(['jkl']).stream());
    expect(
      requests.map((r) => [r.body, r.headers['content-type'], r.headers['content-length']]),
    ).toEqual([
      ['abc', 'application/octet-stream', '3'],
      ['def', 'image/png', '3'],
      ['ghi', 'application/octet-stream', '3'],
      ['jkl', 'application/octet-stream', undefined],
    ]);
  });

  it('does not send a stream twice: a cut after it was read is thrown', async () => {
    const { mf, requests } = client(() => networkError());
    await expect(mf.files.upload(Readable.from([Buffer.from('x')]))).rejects.toThrow(/ECONNRESET/);
    expect(requests).toHaveLength(1);
  });

  it('refuses what it cannot send, saying what it takes', async () => {
    const { mf } = client(() => json(201, FILE));
    await expect(mf.files.upload(42 as never)).rejects.toThrow(/takes bytes/);
    await expect(mf.files.upload(path.join(dir, 'missing.mp4'))).rejects.toThrow(/ENOENT/);
  });
});

describe('files.upload (browser entry)', () => {
  it('refuses a path with a clear error, and gathers a stream before sending it whole', async () => {
    const api = fakeFetch(() => json(201, FILE));
    const mf = new BrowserMediaflow({ baseUrl: 'http://api.test', fetch: api.fetch });
    await expect(mf.files.upload('/tmp/x.jpg' as never)).rejects.toThrow(/Node\.js only/);
    const progress: UploadProgress[] = [];
    await mf.files.upload(new Blob(['abcd']).stream(), { onProgress: (p) => progress.push(p) });
    expect(api.requests[0]!.body).toBe('abcd');
    // Without a transport that follows the bytes, progress is told once the answer is in.
    expect(progress).toEqual([{ loaded: 4, total: 4 }]);
    expect((mf.files as unknown as { downloadTo?: unknown }).downloadTo).toBeUndefined();
  });
});

describe('files.wait', () => {
  const INGEST = { id: 'task_ingest', object: 'task', kind: 'ingest', status: 'processing' };

  it('answers a stored file at once, and the file of a 202 once its ingest has ended', async () => {
    const { mf, requests } = client((request) => {
      if (request.path === '/tasks/task_ingest/events')
        return sseResponse([
          sseEvent('task.completed', {
            id: 'evt_1',
            type: 'task.completed',
            created_at: 1,
            data: { ...INGEST, status: 'completed', output: { ...FILE } },
          }),
        ]);
      return json(200, FILE);
    });
    await expect(mf.files.wait(FILE as never)).resolves.toBe(FILE);
    expect(requests).toHaveLength(0);
    await expect(mf.files.wait(INGEST as never)).resolves.toEqual(FILE);
    expect(requests.map((r) => r.path)).toEqual(['/tasks/task_ingest/events', '/files/file_1']);
  });

  it('throws the error the ingest failed with, as the API would have answered it', async () => {
    const { mf } = client(() =>
      sseResponse([
        sseEvent('task.failed', {
          id: 'evt_1',
          type: 'task.failed',
          created_at: 1,
          data: {
            ...INGEST,
            status: 'failed',
            error: { code: 'input_unreadable', message: 'not media' },
          },
        }),
      ]),
    );
    await expect(mf.files.wait(INGEST as never)).rejects.toMatchObject({
      status: 422,
      code: 'input_unreadable',
      message: 'not media',
      task: { id: 'task_ingest' },
    });
  });
});

describe('files.download', () => {
  it('fetches the signed URL without the key', async () => {
    const { mf, requests } = client(() => new Response('bytes'));
    const stream = await mf.files.download(FILE);
    expect(await new Response(stream).text()).toBe('bytes');
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe(FILE.url);
    expect(requests[0]!.headers.authorization).toBeUndefined();
  });

  it('reads the file for a fresh URL when given an id, or when the one given has expired', async () => {
    const { mf, requests } = client((request) => {
      if (request.path === '/files/file_1')
        return json(200, { ...FILE, url: 'http://api.test/fresh' });
      if (request.path === '/fresh') return new Response('new');
      return apiError(401, 'unauthorized', 'expired');
    });
    expect(await new Response(await mf.files.download('file_1')).text()).toBe('new');
    expect(await new Response(await mf.files.download(FILE)).text()).toBe('new');
    expect(requests.map((r) => r.path)).toEqual([
      '/files/file_1',
      '/fresh',
      '/files/file_1/content?sig=1',
      '/files/file_1',
      '/fresh',
    ]);
    expect(requests[0]!.headers.authorization).toBe('Bearer mf_key');
  });

  it('downloadTo writes the whole file, or nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sdk-download-'));
    try {
      const { mf } = client(() => new Response(Buffer.alloc(100_000, 1)));
      const target = path.join(dir, 'out.bin');
      await expect(mf.files.downloadTo(FILE, target)).resolves.toEqual({
        path: target,
        bytes: 100_000,
      });
      expect(readFileSync(target).length).toBe(100_000);

      const broken = client(() => sseResponse(['partial'], 'cut'));
      const failed = path.join(dir, 'failed.bin');
      await expect(broken.mf.files.downloadTo(FILE, failed)).rejects.toThrow('terminated');
      expect(existsSync(failed)).toBe(false);
      expect(existsSync(`${failed}.part`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
