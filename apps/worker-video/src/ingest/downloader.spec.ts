import { MediaflowError } from '@mediaflow/contracts';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllowList } from '@mediaflow/net-guard';
import { download, tooSlow, type DownloadLimits } from './downloader';

// Every server here listens on loopback (127.0.0.1, 127.0.0.2, ::1); nothing
// else is ever connected to.

interface TestServer {
  server: Server;
  base: string;
  hits: string[];
}

const BODY = Buffer.alloc(3000, 7);

function route(url: URL, res: ServerResponse): void {
  const [, name, arg] = url.pathname.split('/');
  switch (name) {
    case 'file':
      res.writeHead(200, { 'content-length': BODY.length }).end(BODY);
      return;
    case 'chunked':
      // No Content-Length: the limit can only be found by counting.
      res.writeHead(200);
      for (let i = 0; i < 10; i++) res.write(BODY.subarray(0, 300));
      res.end();
      return;
    case 'named':
      res
        .writeHead(200, { 'content-disposition': 'attachment; filename="../../clip.mp4"' })
        .end(BODY);
      return;
    case 'declared-huge':
      res.writeHead(200, { 'content-length': 10_000_000_000 });
      res.write(BODY.subarray(0, 10));
      return;
    case 'missing':
      res.writeHead(404).end('not found');
      return;
    case 'broken':
      res.writeHead(500).end('oops');
      return;
    case 'hops': {
      const left = Number(arg);
      res.writeHead(302, { location: left > 0 ? `/hops/${left - 1}` : '/file' }).end();
      return;
    }
    case 'to':
      res.writeHead(302, { location: url.searchParams.get('url')! }).end();
      return;
    case 'no-location':
      res.writeHead(302).end();
      return;
    case 'drip': {
      res.writeHead(200, { 'content-length': 1000 });
      const timer = setInterval(() => res.write(Buffer.alloc(1)), 50);
      res.on('close', () => clearInterval(timer));
      return;
    }
    case 'silent':
      return; // never answers
    case 'headers-only':
      res.writeHead(200, { 'content-length': 100 });
      res.flushHeaders();
      return; // and never a byte of the body
    default:
      res.writeHead(404).end();
  }
}

async function startServer(host: string): Promise<TestServer> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    route(url, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return { server, hits, base: `http://${host.includes(':') ? `[${host}]` : host}:${port}` };
}

function stop(s: TestServer | undefined): Promise<void> {
  if (!s) return Promise.resolve();
  s.server.closeAllConnections();
  return new Promise((resolve) => s.server.close(() => resolve()));
}

describe('download', () => {
  let allowed: TestServer;
  let other: TestServer;
  let v6: TestServer;
  let dir: string;
  const limits: DownloadLimits = {
    maxBytes: 5000,
    timeoutMs: 5000,
    headersTimeoutMs: 2000,
    maxRedirects: 5,
    allowList: parseAllowList('127.0.0.1'),
    firstByteTimeoutMs: 5000,
    minBytesPerSecond: 0,
  };
  const never = new AbortController().signal;
  const dest = () => path.join(dir, 'source');
  const get = (url: string, over: Partial<DownloadLimits> = {}, signal = never) =>
    download(url, dest(), { ...limits, ...over }, { signal });

  beforeAll(async () => {
    allowed = await startServer('127.0.0.1');
    other = await startServer('127.0.0.2'); // loopback on Linux, and off the allow list
    v6 = await startServer('::1');
  });
  afterAll(async () => {
    await Promise.all([stop(allowed), stop(other), stop(v6)]);
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ingest-dl-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('streams the body to disk and names it from the URL', async () => {
    const progress: number[] = [];
    const got = await download(`${allowed.base}/file`, dest(), limits, {
      signal: never,
      onProgress: (p) => progress.push(p),
    });
    expect(got).toEqual({ filename: 'file', bytes: BODY.length });
    expect(readFileSync(dest()).equals(BODY)).toBe(true);
    expect(progress.at(-1)).toBe(100);
  });

  it('takes the name from Content-Disposition, sanitised', async () => {
    expect((await get(`${allowed.base}/named`)).filename).toBe('clip.mp4');
  });

  it('resolves host names and pins the connection to the checked address', async () => {
    const port = new URL(allowed.base).port;
    expect((await get(`http://localhost:${port}/file`)).bytes).toBe(BODY.length);
    await expect(get(`http://localhost:${port}/file`, { allowList: [] })).rejects.toMatchObject({
      code: 'input_forbidden',
      message:
        'localhost resolves to an address that is not allowed; allow it with MEDIAFLOW_ALLOWED_HOSTS',
    });
  });

  it('fails input_unreachable on HTTP errors and refused connections', async () => {
    await expect(get(`${allowed.base}/missing`)).rejects.toMatchObject({
      code: 'input_unreachable',
      message: `${allowed.base}/missing answered HTTP 404`,
    });
    await expect(get(`${allowed.base}/broken`)).rejects.toMatchObject({
      code: 'input_unreachable',
      message: expect.stringContaining('HTTP 500'),
    });
    await expect(get(`${allowed.base}/no-location`)).rejects.toMatchObject({
      code: 'input_unreachable',
    });

    const closed = await startServer('127.0.0.1');
    await stop(closed);
    await expect(get(`${closed.base}/file`)).rejects.toMatchObject({
      code: 'input_unreachable',
      message: expect.stringContaining('ECONNREFUSED'),
    });
    expect(existsSync(dest())).toBe(false);
  });

  it('fails input_too_large when Content-Length says so up front', async () => {
    await expect(get(`${allowed.base}/declared-huge`)).rejects.toMatchObject({
      code: 'input_too_large',
      message: expect.stringContaining('10000000000 bytes'),
    });
    await expect(get(`${allowed.base}/file`, { maxBytes: 2999 })).rejects.toMatchObject({
      code: 'input_too_large',
    });
  });

  it('fails input_too_large as soon as an undeclared body passes the limit', async () => {
    await expect(get(`${allowed.base}/chunked`, { maxBytes: 1000 })).rejects.toMatchObject({
      code: 'input_too_large',
      message: expect.stringContaining('larger than the 1000-byte download limit'),
    });
    expect(existsSync(dest())).toBe(false);
    expect((await get(`${allowed.base}/chunked`, { maxBytes: 3000 })).bytes).toBe(3000);
  });

  it('fails timeout when the whole download takes too long', async () => {
    await expect(get(`${allowed.base}/drip`, { timeoutMs: 400 })).rejects.toMatchObject({
      code: 'timeout',
      message: expect.stringContaining('took longer than 0.4 s'),
    });
  });

  it('fails input_too_slow when the body does not start soon after the headers', async () => {
    await expect(
      // Only the first-byte limit can end it: the others are far off, even on a loaded machine.
      get(`${allowed.base}/headers-only`, {
        firstByteTimeoutMs: 300,
        headersTimeoutMs: 30_000,
        timeoutMs: 60_000,
      }),
    ).rejects.toMatchObject({
      code: 'input_too_slow',
      message: `${allowed.base}/headers-only sent nothing within 0.3 s of its headers`,
    });
    expect(existsSync(dest())).toBe(false);
  });

  it('fails input_too_slow when the body trickles below the minimum rate, long before the timeout', async () => {
    // The whole download may take a minute: the rate, not the timeout, ends it.
    const slow = { ...limits, minBytesPerSecond: 1000, timeoutMs: 60_000 };
    await expect(
      download(`${allowed.base}/drip`, dest(), slow, { signal: never }, 250),
    ).rejects.toMatchObject({
      code: 'input_too_slow',
      message: expect.stringMatching(
        /sent \d+ bytes in 0\.25 s, below the minimum of 1000 bytes\/s$/,
      ),
    });
    expect(existsSync(dest())).toBe(false);
  });

  it('lets a body at a good pace through the same minimum', async () => {
    const paced = { ...limits, minBytesPerSecond: 1000, firstByteTimeoutMs: 300 };
    const got = await download(`${allowed.base}/file`, dest(), paced, { signal: never }, 250);
    expect(got.bytes).toBe(BODY.length);
  });

  it('fails timeout when the server does not answer', async () => {
    await expect(get(`${allowed.base}/silent`, { headersTimeoutMs: 300 })).rejects.toMatchObject({
      code: 'timeout',
      message: `${allowed.base}/silent did not answer within 0.3 s`,
    });
  });

  it('follows five redirects and refuses a sixth', async () => {
    expect((await get(`${allowed.base}/hops/4`)).bytes).toBe(BODY.length); // 5 redirects
    await expect(get(`${allowed.base}/hops/5`)).rejects.toMatchObject({
      code: 'input_unreachable',
      message: `${allowed.base}/hops/5 redirects more than 5 times`,
    });
  });

  it('refuses loopback addresses left off the allow list, without connecting', async () => {
    await expect(get(`${other.base}/file`)).rejects.toMatchObject({
      code: 'input_forbidden',
      message:
        '127.0.0.2 is a loopback address, which is not allowed; allow it with MEDIAFLOW_ALLOWED_HOSTS',
    });
    await expect(get(`${v6.base}/file`)).rejects.toMatchObject({
      code: 'input_forbidden',
      message:
        '::1 is a loopback address, which is not allowed; allow it with MEDIAFLOW_ALLOWED_HOSTS',
    });
    expect(other.hits).toEqual([]);
    expect(v6.hits).toEqual([]);
  });

  it('checks every redirect hop: an allowed host cannot bounce to a forbidden one', async () => {
    const target = encodeURIComponent(`${other.base}/file`);
    await expect(get(`${allowed.base}/to?url=${target}`)).rejects.toMatchObject({
      code: 'input_forbidden',
    });
    await expect(
      get(`${allowed.base}/to?url=${encodeURIComponent('file:///etc/passwd')}`),
    ).rejects.toMatchObject({
      code: 'input_forbidden',
      message: 'file:// URLs cannot be fetched; only http and https',
    });
    expect(other.hits).toEqual([]);
  });

  it('fetches from a loopback address once the allow list names it', async () => {
    expect(
      (await get(`${other.base}/file`, { allowList: parseAllowList('127.0.0.0/8') })).bytes,
    ).toBe(BODY.length);
    expect(other.hits).toEqual(['/file']);
    other.hits.length = 0;
  });

  it('stops with cancelled when the task is cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await expect(get(`${allowed.base}/drip`, {}, controller.signal)).rejects.toMatchObject({
      code: 'cancelled',
    });
    expect(existsSync(dest())).toBe(false);
  });

  it("stops with the task's own abort reason (the worker's task timeout)", async () => {
    const controller = new AbortController();
    setTimeout(
      () => controller.abort(new MediaflowError('timeout', 'The task ran longer than 1 h')),
      200,
    );
    await expect(get(`${allowed.base}/drip`, {}, controller.signal)).rejects.toMatchObject({
      code: 'timeout',
      message: 'The task ran longer than 1 h',
    });
  });
});

describe('tooSlow', () => {
  const limits = { firstByteTimeoutMs: 30_000, minBytesPerSecond: 1024 };
  const pace = (elapsedMs: number, total: number, windowBytes: number, windowMs = 30_000) =>
    tooSlow(limits, { elapsedMs, total, windowMs, windowBytes });

  it('waits for the first byte until its timeout', () => {
    expect(pace(29_999, 0, 0, 0)).toBeNull();
    expect(pace(30_000, 0, 0, 0)).toBe('sent nothing within 30 s of its headers');
  });

  it('wants the minimum over each window once bytes flow', () => {
    expect(pace(60_000, 100_000, 30_720)).toBeNull();
    expect(pace(60_000, 100_000, 30_719)).toBe(
      'sent 30719 bytes in 30 s, below the minimum of 1024 bytes/s',
    );
  });

  it('has no minimum when it is 0', () => {
    expect(
      tooSlow(
        { ...limits, minBytesPerSecond: 0 },
        { elapsedMs: 60_000, total: 1, windowMs: 30_000, windowBytes: 0 },
      ),
    ).toBeNull();
  });
});
