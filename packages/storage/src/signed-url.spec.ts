import { createHmac } from 'node:crypto';
import { contentPath, signFileUrl, verifyFileSignature } from './signed-url';

const secret = 'test-signing-secret';
const now = new Date('2030-01-01T00:00:00Z');
const inOneHour = new Date(now.getTime() + 3600_000);

describe('signed file URLs', () => {
  it('signs `<fileId>.<expires>` with HMAC-SHA256 in hex', () => {
    const signed = signFileUrl({ fileId: 'file_abc', expiresAt: inOneHour, secret });
    expect(signed.expires).toBe(Math.floor(inOneHour.getTime() / 1000));
    expect(signed.signature).toBe(
      createHmac('sha256', secret).update(`file_abc.${signed.expires}`).digest('hex'),
    );
  });

  it('accepts its own signature until it expires, from a query string or numbers', () => {
    const { expires, signature } = signFileUrl({
      fileId: 'file_abc',
      expiresAt: inOneHour,
      secret,
    });
    expect(verifyFileSignature({ fileId: 'file_abc', expires, signature, secret, now })).toBe(true);
    expect(
      verifyFileSignature({
        fileId: 'file_abc',
        expires: String(expires),
        signature: signature.toUpperCase(),
        secret,
        now,
      }),
    ).toBe(true);
    const lastMoment = new Date(expires * 1000 - 1);
    expect(
      verifyFileSignature({ fileId: 'file_abc', expires, signature, secret, now: lastMoment }),
    ).toBe(true);
  });

  it('refuses expired, tampered, foreign and malformed signatures', () => {
    const { expires, signature } = signFileUrl({
      fileId: 'file_abc',
      expiresAt: inOneHour,
      secret,
    });
    const ok = { fileId: 'file_abc', expires: String(expires), signature, secret, now };
    expect(verifyFileSignature({ ...ok, now: new Date(expires * 1000) })).toBe(false);
    expect(verifyFileSignature({ ...ok, expires: String(expires + 3600) })).toBe(false);
    const flipped = (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1);
    expect(verifyFileSignature({ ...ok, signature: flipped })).toBe(false);
    expect(verifyFileSignature({ ...ok, fileId: 'file_other' })).toBe(false);
    expect(verifyFileSignature({ ...ok, secret: 'another-secret' })).toBe(false);
    for (const malformed of [
      undefined,
      '',
      'zz',
      signature.slice(0, 63),
      `${signature}0`,
      `${signature.slice(0, 62)}zz`,
    ]) {
      expect(verifyFileSignature({ ...ok, signature: malformed })).toBe(false);
    }
    for (const expiresValue of [
      undefined,
      '',
      'abc',
      '1e12',
      '-5',
      `${expires}.0`,
      ' 1',
      -1,
      1.5,
      Number.NaN,
    ]) {
      expect(verifyFileSignature({ ...ok, expires: expiresValue })).toBe(false);
    }
  });

  it('builds the content path of docs/http-api.md', () => {
    expect(contentPath('file_abc', 1893459600, 'ab12')).toBe(
      '/files/file_abc/content?expires=1893459600&signature=ab12',
    );
  });

  it('refuses an empty secret rather than signing with it', () => {
    expect(() => signFileUrl({ fileId: 'file_abc', expiresAt: inOneHour, secret: '' })).toThrow(
      /secret/,
    );
  });
});
