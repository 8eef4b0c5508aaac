import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pinoHttp } from 'pino-http';
import { requestLogOptions } from './logger';

// pino-http with the services' options, on a loopback server, every level on:
// whatever a request carries as a credential appears in no line.
describe('request logs', () => {
  const lines: string[] = [];
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const log = pinoHttp(requestLogOptions('test', 'trace'), {
      write: (line: string) => lines.push(line),
    });
    server = createServer((req, res) => {
      log(req, res);
      req.log.debug(`handling ${req.url}`);
      if (req.url?.startsWith('/tasks')) {
        res.statusCode = 401;
      } else if (req.url?.startsWith('/broken')) {
        req.log.error(new Error(`fetching https://up.example/x?token=tok_in_error failed`));
        // As nestjs-pino logs Nest's `logger.error(message, stack)`: the error alone, no message.
        req.log.error({ err: new Error('Cannot GET /f?signature=sig_in_error_object') });
        res.statusCode = 500;
      } else {
        res.setHeader('set-cookie', 'sid=cookie_set_by_us');
        res.setHeader('location', 'http://s3.local/b/k?X-Amz-Expires=60&X-Amz-Signature=amz_sig');
        res.statusCode = 302;
      }
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('show the path and no credential, at any level', async () => {
    const secrets = {
      signature: 'sig_0123456789abcdef',
      apiKeyHeader: 'sk_header_secret',
      bearer: 'sk_bearer_secret',
      cookie: 'cookie_secret',
      apiKeyQuery: 'sk_query_secret',
    };
    await fetch(`${base}/files/file_a/content?expires=1800003600&signature=${secrets.signature}`, {
      redirect: 'manual',
      headers: {
        'x-api-key': secrets.apiKeyHeader,
        authorization: `Bearer ${secrets.bearer}`,
        cookie: `session=${secrets.cookie}`,
      },
    });
    await fetch(`${base}/tasks?api_key=${secrets.apiKeyQuery}`);
    await fetch(`${base}/broken`);

    const text = lines.join('');
    for (const secret of [
      ...Object.values(secrets),
      'cookie_set_by_us',
      'amz_sig',
      'tok_in_error',
      'sig_in_error_object',
    ]) {
      expect(text).not.toContain(secret);
    }
    const entries = lines.map((line) => JSON.parse(line));
    const completed = entries.filter((entry) => entry.msg === 'request completed');
    expect(completed.map((entry) => [entry.level, entry.req.url])).toEqual([
      [30, '/files/file_a/content?expires=1800003600&signature=[REDACTED]'],
      [40, '/tasks?api_key=[REDACTED]'],
    ]);
    expect(completed[0].req.headers).toMatchObject({
      'x-api-key': '[REDACTED]',
      authorization: '[REDACTED]',
      cookie: '[REDACTED]',
    });
    expect(completed[0].res.headers).toMatchObject({
      'set-cookie': '[REDACTED]',
      location: 'http://s3.local/b/k?X-Amz-Expires=60&X-Amz-Signature=[REDACTED]',
    });
    expect(entries.filter((entry) => entry.level === 20).map((entry) => entry.msg)).toEqual([
      'handling /files/file_a/content?expires=1800003600&signature=[REDACTED]',
      'handling /tasks?api_key=[REDACTED]',
      'handling /broken',
    ]);
    expect(
      entries.filter((entry) => entry.level === 50).map((entry) => [entry.msg, entry.err.message]),
    ).toEqual([
      [
        'fetching https://up.example/x?token=[REDACTED] failed',
        'fetching https://up.example/x?token=[REDACTED] failed',
      ],
      ['Cannot GET /f?signature=[REDACTED]', 'Cannot GET /f?signature=[REDACTED]'],
      ['request errored', 'failed with status code 500'],
    ]);
  });
});
