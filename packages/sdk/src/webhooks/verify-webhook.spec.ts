import { createHmac } from 'node:crypto';
import {
  WebhookVerificationError,
  parseSignatureHeader,
  verifyWebhook,
  type WebhookVerificationFailure,
} from './verify-webhook';

// Signed here as the scheduler signs (apps/scheduler/src/webhooks/webhook-signature.ts),
// with Node's own HMAC: the SDK's WebCrypto path is checked against another implementation.
const SECRET = 'whsec_0123456789abcdef0123456789abcdef';
const BODY = JSON.stringify({
  id: 'evt_aaaaaaaaaaaaaaaa',
  type: 'file.created',
  created_at: 1798761690,
  data: { id: 'file_aaaaaaaaaaaaaaaa', object: 'file', filename: 'café.jpg' },
});
const NOW = 1798761700;

function sign(body: string, secret = SECRET, t = NOW - 10): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex')}`;
}

async function failure(promise: Promise<unknown>): Promise<WebhookVerificationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return (error as WebhookVerificationError).reason;
}

describe('verifyWebhook', () => {
  it('accepts a valid signature and answers the parsed body (string, Buffer or ArrayBuffer)', async () => {
    const header = sign(BODY);
    await expect(verifyWebhook(BODY, header, SECRET, { now: NOW })).resolves.toEqual(
      JSON.parse(BODY),
    );
    const bytes = Buffer.from(BODY);
    await expect(verifyWebhook(bytes, header, SECRET, { now: NOW })).resolves.toMatchObject({
      type: 'file.created',
    });
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    await expect(verifyWebhook(buffer, [header], SECRET, { now: NOW })).resolves.toBeDefined();
  });

  it('refuses a tampered body', async () => {
    const header = sign(BODY);
    expect(
      await failure(
        verifyWebhook(BODY.replace('file.created', 'file.deleted'), header, SECRET, { now: NOW }),
      ),
    ).toBe('signature_mismatch');
    // Re-serialised JSON is another body: the raw one must be passed.
    expect(
      await failure(
        verifyWebhook(JSON.stringify(JSON.parse(BODY), null, 1), header, SECRET, { now: NOW }),
      ),
    ).toBe('signature_mismatch');
  });

  it('refuses another secret', async () => {
    expect(
      await failure(verifyWebhook(BODY, sign(BODY, 'whsec_other'), SECRET, { now: NOW })),
    ).toBe('signature_mismatch');
  });

  it('refuses a timestamp older (or further ahead) than the tolerance, 5 minutes by default', async () => {
    const old = sign(BODY, SECRET, NOW - 301);
    expect(await failure(verifyWebhook(BODY, old, SECRET, { now: NOW }))).toBe(
      'timestamp_out_of_tolerance',
    );
    const ahead = sign(BODY, SECRET, NOW + 301);
    expect(await failure(verifyWebhook(BODY, ahead, SECRET, { now: NOW }))).toBe(
      'timestamp_out_of_tolerance',
    );
    await expect(
      verifyWebhook(BODY, sign(BODY, SECRET, NOW - 300), SECRET, { now: NOW }),
    ).resolves.toBeDefined();
    await expect(
      verifyWebhook(BODY, old, SECRET, { now: NOW, toleranceSeconds: 600 }),
    ).resolves.toBeDefined();
  });

  it('refuses a timestamp changed in the header (it is signed with the body)', async () => {
    const header = sign(BODY).replace(`t=${NOW - 10}`, `t=${NOW - 5}`);
    expect(await failure(verifyWebhook(BODY, header, SECRET, { now: NOW }))).toBe(
      'signature_mismatch',
    );
  });

  it('uses the clock when not told the time', async () => {
    const t = Math.floor(Date.now() / 1000);
    await expect(verifyWebhook(BODY, sign(BODY, SECRET, t), SECRET)).resolves.toBeDefined();
    expect(await failure(verifyWebhook(BODY, sign(BODY, SECRET, t - 3600), SECRET))).toBe(
      'timestamp_out_of_tolerance',
    );
  });

  it.each([
    [undefined, 'missing_signature'],
    ['', 'missing_signature'],
    [['t=1,v1=00', 't=2,v1=00'], 'missing_signature'],
    ['v1=' + 'a'.repeat(64), 'malformed_signature'],
    [`t=${NOW}`, 'malformed_signature'],
    [`t=${NOW},v1=abc`, 'malformed_signature'],
    [`t=-1,v1=${'a'.repeat(64)}`, 'malformed_signature'],
    [`t=${NOW},t=${NOW},v1=${'a'.repeat(64)}`, 'malformed_signature'],
    ['garbage', 'malformed_signature'],
  ] as const)('refuses the header %p: %s', async (header, reason) => {
    expect(await failure(verifyWebhook(BODY, header, SECRET, { now: NOW }))).toBe(reason);
  });

  it('accepts when any of several v1 signatures matches (and skips unknown schemes)', async () => {
    const good = sign(BODY);
    const header = `${good.split(',')[0]},v1=${'0'.repeat(64)},v2=whatever,${good.split(',')[1]}`;
    await expect(verifyWebhook(BODY, header, SECRET, { now: NOW })).resolves.toBeDefined();
    expect(parseSignatureHeader(header)?.signatures).toHaveLength(2);
  });
});
