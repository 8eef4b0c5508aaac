import { mkdirSync } from 'node:fs';
import { FixtureServer } from './fixture-server';
import { Fixtures } from './fixtures';

describe('FixtureServer', () => {
  const fixtures = new Fixtures();
  let server: FixtureServer;

  beforeAll(async () => {
    fixtures.write('hello.txt', 'hello fixtures');
    mkdirSync(fixtures.path('subdir'));
    server = await FixtureServer.start(fixtures.dir);
  });

  afterAll(async () => {
    await server.close();
    fixtures.remove();
  });

  it('serves a fixture from loopback with its length', async () => {
    expect(server.base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(server.url('hello.txt'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('14');
    expect(await res.text()).toBe('hello fixtures');
  });

  it('serves a fixture under another name', async () => {
    const url = server.urlAs('hello.txt', 'download');
    expect(url.endsWith('/download')).toBe(true);
    expect(await (await fetch(url)).text()).toBe('hello fixtures');
  });

  it('redirects to the given URL', async () => {
    const res = await fetch(server.redirectTo('http://127.0.0.2:1/x.mp4'), { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('http://127.0.0.2:1/x.mp4');
  });

  it('answers 404 for a missing fixture, a bare path, a directory, a bad escape and a path outside', async () => {
    for (const url of [
      server.url('missing.txt'),
      `${server.base}/`,
      `${server.base}/a/hello.txt`,
      `${server.base}/..%2F..%2Fetc%2Fpasswd`,
      server.url('subdir'),
      `${server.base}/%E0%A4%A`,
    ]) {
      expect((await fetch(url)).status).toBe(404);
    }
  });

  it('listens on IPv6 loopback too', async () => {
    const v6 = await FixtureServer.start(fixtures.dir, '::1');
    try {
      expect(v6.base).toMatch(/^http:\/\/\[::1\]:\d+$/);
      expect(await (await fetch(v6.url('hello.txt'))).text()).toBe('hello fixtures');
    } finally {
      await v6.close();
    }
  });
});
