import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Fixtures, GatewayProxy, System } from '@mediaflow/testing';

// @mediaflow/sdk's browser build (dist/browser.mjs, as a bundler would pick
// it by the `browser` condition) in headless Chromium, against the real
// system. The gateway answers no CORS, so the page is served as a dashboard
// would be: beside the API, on its origin (a proxy on 127.0.0.1 serves
// `/app/` and passes the rest to the gateway). Nothing leaves loopback.

jest.setTimeout(240_000);

/** Debian's chromium (scripts/setup.sh installs it); Playwright's own download cannot run here. */
function chromiumPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'chromium is not installed: run scripts/setup.sh (apt-get install -y chromium)',
    );
  }
}

const SDK_DIST = path.join(path.dirname(require.resolve('@mediaflow/sdk/package.json')), 'dist');

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>Mediaflow SDK in a browser</title>
<script type="module">
  import * as sdk from '/app/sdk.mjs';
  window.sdk = sdk;
</script>`;

/** The README's first automation. */
const RESIZE_BIG_PICTURES = {
  name: 'Resize big pictures',
  workflow: [
    {
      kind: 'conditions',
      conditions: [
        { prop: 'kind', value: 'image' },
        { prop: 'width', operator: '>', value: 1280 },
      ],
      next: [{ kind: 'image', width: 1280, ref: 'web' }],
      else: [{ kind: 'image', format: 'webp', ref: 'original' }],
    },
    { kind: 'image', width: 320, height: 320, format: 'png', ref: 'thumbnail' },
  ],
};

describe('@mediaflow/sdk in a browser (headless Chromium)', () => {
  const fixtures = new Fixtures();
  let system: System;
  let proxy: GatewayProxy;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await fixtures.jpeg('photo.jpg', 1920, 1080);
    system = await System.start([
      'automation-registry',
      'scheduler',
      'worker-video',
      'worker-image',
      'gateway',
    ]);
    proxy = await GatewayProxy.start(system.baseUrl);
    proxy.serve('/app/', PAGE, 'text/html; charset=utf-8');
    proxy.serve(
      '/app/sdk.mjs',
      readFileSync(path.join(SDK_DIST, 'browser.mjs')),
      'text/javascript',
    );
    proxy.serve('/app/photo.jpg', fixtures.bytes('photo.jpg'), 'image/jpeg');
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    // Anything but loopback would be a test reaching out: refused.
    await page.route(/^(?!http:\/\/127\.0\.0\.1[:/])/, (route) => route.abort());
    await page.goto(`${proxy.url}/app/`);
    await page.waitForFunction(() => 'sdk' in globalThis);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await system?.stop();
    fixtures.remove();
  });

  it('runs an automation on a File uploaded with progress, follows it on the event stream, downloads the result', async () => {
    const result = await page.evaluate(
      async ({ apiKey, automation }) => {
        const { Mediaflow } = (globalThis as any).sdk;
        // No baseUrl: the page's origin, where the API is.
        const mf = new Mediaflow({ apiKey });
        const health = await mf.health();
        const photo = await (await fetch('/app/photo.jpg')).blob();
        const file = new File([photo], 'photo.jpg', { type: 'image/jpeg' });
        const progress: { loaded: number; total?: number }[] = [];
        // Counted, to see the upload go by XMLHttpRequest (the one that reports upload progress).
        const XHR = (globalThis as any).XMLHttpRequest;
        const send = XHR.prototype.send;
        let xhrSends = 0;
        XHR.prototype.send = function (this: unknown, ...args: unknown[]) {
          xhrSends++;
          return send.apply(this, args);
        };
        const stored = await mf.files.upload(file, { onProgress: (p: any) => progress.push(p) });
        XHR.prototype.send = send;

        const created = await mf.automations.create(automation);
        const run = await mf.automations.run(created.id, { file_id: stored.id });
        const events: string[] = [];
        const ended = await mf.tasks.wait(run.id, {
          onProgress: (_task: any, event: any) => event && events.push(event.type),
          timeout: 120_000,
        });
        const steps: any[] = [];
        const walk = (step: any) => {
          steps.push(step);
          for (const child of [...(step.next ?? []), ...(step.else ?? [])]) walk(child);
        };
        ended.workflow.forEach(walk);
        const thumbnail = steps.find((step) => step.ref === 'thumbnail');
        const bytes = new Uint8Array(
          await new Response(await mf.files.download(thumbnail.output)).arrayBuffer(),
        );
        return {
          origin: (globalThis as any).location.origin as string,
          health,
          stored: { object: stored.object, filename: stored.filename, filesize: stored.filesize },
          size: file.size,
          progress,
          xhrSends,
          status: ended.status,
          steps: steps.map((s) => [s.ref, s.kind, s.status]),
          events,
          thumbnail: { size: bytes.length, head: Array.from(bytes.slice(0, 8)) },
        };
      },
      { apiKey: system.adminKey, automation: RESIZE_BIG_PICTURES },
    );
    expect(result.origin).toBe(proxy.url);
    expect(result.health).toMatchObject({ status: 'ok' });
    expect(result.stored).toEqual({ object: 'file', filename: 'photo.jpg', filesize: result.size });
    // XMLHttpRequest's upload progress, up to every byte.
    expect(result.xhrSends).toBe(1);
    expect(result.progress.at(-1)).toEqual({ loaded: result.size, total: result.size });
    expect(result.status).toBe('completed');
    // The picture is wider than 1280: `web` made, `original` skipped, the thumbnail beside.
    expect(result.steps).toEqual([
      [null, 'conditions', 'completed'],
      ['web', 'image', 'completed'],
      ['original', 'image', 'skipped'],
      ['thumbnail', 'image', 'completed'],
    ]);
    expect(result.events.at(-1)).toBe('task.completed');
    // A PNG's signature.
    expect(result.thumbnail.head).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // The upload went as a whole body, with the key, from this origin.
    const [upload] = proxy.requestsTo('POST', /^\/files$/);
    expect(upload!.headers).toMatchObject({
      authorization: `Bearer ${system.adminKey}`,
      'content-type': 'image/jpeg',
      'content-length': String(result.size),
    });
    expect(upload!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(pageErrors).toEqual([]);
  });

  it('verifies webhook signatures with WebCrypto, and says what went wrong', async () => {
    const { secret } = (await (
      await fetch(`${system.baseUrl}/webhook-secret`, {
        headers: { authorization: `Bearer ${system.adminKey}` },
      })
    ).json()) as { secret: string };
    const body = JSON.stringify({ id: 'evt_aaaaaaaaaaaaaaaa', type: 'file.created', data: {} });
    const t = Math.floor(Date.now() / 1000);
    const sign = (at: number) =>
      `t=${at},v1=${createHmac('sha256', secret).update(`${at}.${body}`).digest('hex')}`;
    const outcome = await page.evaluate(
      async ({ apiKey, body, fresh, old }) => {
        const { Mediaflow, verifyWebhook } = (globalThis as any).sdk;
        const mf = new Mediaflow({ apiKey });
        const { secret } = await mf.webhookSecret.get();
        const reason = (promise: Promise<unknown>) =>
          promise.then(
            () => 'accepted',
            (e: any) => e.reason,
          );
        return {
          valid: await reason(verifyWebhook(body, fresh, secret)),
          viaClient: await reason(
            mf.webhooks.verify(new TextEncoder().encode(body), fresh, secret),
          ),
          tampered: await reason(
            verifyWebhook(body.replace('file.created', 'file.deleted'), fresh, secret),
          ),
          old: await reason(verifyWebhook(body, old, secret)),
          otherSecret: await reason(verifyWebhook(body, fresh, 'whsec_other')),
        };
      },
      { apiKey: system.adminKey, body, fresh: sign(t), old: sign(t - 600) },
    );
    expect(outcome).toEqual({
      valid: 'accepted',
      viaClient: 'accepted',
      tampered: 'signature_mismatch',
      old: 'timestamp_out_of_tolerance',
      otherSecret: 'signature_mismatch',
    });
  });

  it('gives typed errors, lists pages, and gathers a stream before uploading it', async () => {
    const outcome = await page.evaluate(async (apiKey) => {
      const { Mediaflow, MediaflowApiError } = (globalThis as any).sdk;
      const mf = new Mediaflow({ apiKey });
      const missing = await mf.automations.get('auto_aaaaaaaaaaaaaaaa').catch((e: any) => e);
      const pathUpload = await mf.files.upload('/etc/passwd').catch((e: any) => e);
      const photo = await (await fetch('/app/photo.jpg')).blob();
      const streamed = await mf.files.upload(photo.stream(), { filename: 'streamed.jpg' });
      const files: string[] = [];
      for await (const file of mf.files.iterate({ limit: 1 })) files.push(file.filename);
      const events = await mf.events.list({ type: 'file.created' });
      return {
        missing: {
          isApiError: missing instanceof MediaflowApiError && MediaflowApiError.is(missing),
          status: missing.status,
          code: missing.code,
        },
        pathUpload: pathUpload.message,
        streamed: [streamed.object, streamed.filename, streamed.filesize === photo.size],
        files,
        fileEvents: events.data.length,
      };
    }, system.adminKey);
    expect(outcome).toEqual({
      missing: { isApiError: true, status: 404, code: 'not_found' },
      pathUpload: expect.stringContaining('Node.js only'),
      streamed: ['file', 'streamed.jpg', true],
      files: expect.arrayContaining(['photo.jpg', 'streamed.jpg']),
      fileEvents: 2,
    });
    expect(outcome.files.length).toBeGreaterThanOrEqual(3);
    // A 404 is the page's own console noise; nothing else went wrong.
    expect(pageErrors.filter((e) => !/404/.test(e))).toEqual([]);
  });
});
