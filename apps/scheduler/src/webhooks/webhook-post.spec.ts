import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseAllowList } from '@mediaflow/net-guard';
import { postWebhook, type WebhookPost } from './webhook-post';

// Loopback receivers only; 127.0.0.2 stands for an address left off the allow list.
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function serve(
  host: string,
  handler: Handler,
): Promise<{
  server: Server;
  port: number;
  hits: { method?: string; body: string; length?: string }[];
}> {
  const hits: { method?: string; body: string; length?: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      hits.push({ method: req.method, body, length: req.headers['content-length'] });
      handler(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, port: (server.address() as AddressInfo).port, hits };
}

const close = (server: Server) => {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(resolve));
};

const post = (url: string, more: Partial<WebhookPost> = {}) =>
  postWebhook({
    url,
    body: '{"id":"tsk_1"}',
    headers: { 'content-type': 'application/json' },
    timeoutMs: 2_000,
    allowList: parseAllowList('127.0.0.1'),
    ...more,
  });

describe('postWebhook', () => {
  let allowed: Awaited<ReturnType<typeof serve>>;
  let other: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    allowed = await serve('127.0.0.1', (req, res) => {
      if (req.url === '/moved')
        res.writeHead(302, { location: `http://127.0.0.1:${allowed.port}/hook` }).end();
      else if (req.url === '/silent') return;
      else res.writeHead(204).end();
    });
    other = await serve('127.0.0.2', (_req, res) => res.writeHead(204).end());
  });

  afterEach(() => {
    allowed.hits.length = 0;
  });

  afterAll(async () => {
    await close(allowed.server);
    await close(other.server);
  });

  it('POSTs the body to an allowed address and answers its status', async () => {
    expect(await post(`http://127.0.0.1:${allowed.port}/hook`)).toEqual({ status: 204 });
    expect(allowed.hits).toEqual([{ method: 'POST', body: '{"id":"tsk_1"}', length: '14' }]);
  });

  it('answers a redirect with its status and does not follow it', async () => {
    expect(await post(`http://127.0.0.1:${allowed.port}/moved`)).toEqual({ status: 302 });
    expect(allowed.hits).toHaveLength(1);
  });

  it('refuses an IP-literal address off the allow list without connecting', async () => {
    expect(await post(`http://127.0.0.2:${other.port}/hook`)).toEqual({
      refused:
        '127.0.0.2 is a loopback address, which is not allowed; allow it with MEDIAFLOW_ALLOWED_HOSTS',
    });
    expect(other.hits).toHaveLength(0);
  });

  it('refuses a name that resolves off the allow list, checked at the lookup', async () => {
    expect(await post(`http://localhost:${allowed.port}/hook`, { allowList: [] })).toEqual({
      refused:
        'localhost resolves to an address that is not allowed; allow it with MEDIAFLOW_ALLOWED_HOSTS',
    });
    expect(allowed.hits).toHaveLength(0);
  });

  it.each([
    ['ftp://127.0.0.1/hook', 'ftp:// URLs cannot be posted to; only http and https'],
    ['not a url', '"not a url" is not a URL'],
  ])('refuses %s', async (url, refused) => {
    expect(await post(url)).toEqual({ refused });
  });

  it('reports a timeout and a refused connection as errors worth another try', async () => {
    expect(await post(`http://127.0.0.1:${allowed.port}/silent`, { timeoutMs: 200 })).toEqual({
      error: 'no answer within 200 ms',
    });
    const closed = await serve('127.0.0.1', () => undefined);
    await close(closed.server);
    expect(await post(`http://127.0.0.1:${closed.port}/hook`)).toEqual({ error: 'ECONNREFUSED' });
  });
});
