import { createHash } from 'node:crypto';
import { hashKeySecret, keySecretHint, newKeySecret } from './key-secrets';

describe('API key secrets', () => {
  it('are mf_ and 40 base62 characters', () => {
    for (let i = 0; i < 50; i++) expect(newKeySecret()).toMatch(/^mf_[A-Za-z0-9]{40}$/);
  });

  it('are never repeated', () => {
    const secrets = new Set(Array.from({ length: 1000 }, () => newKeySecret()));
    expect(secrets.size).toBe(1000);
  });

  it('use the whole alphabet', () => {
    const seen = new Set(Array.from({ length: 200 }, () => newKeySecret().slice(3)).join(''));
    expect(seen.size).toBe(62);
  });

  it('are stored as the SHA-256 hex of the secret', () => {
    const secret = newKeySecret();
    const hash = hashKeySecret(secret);
    expect(hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(secret.slice(3));
    expect(hashKeySecret(`${secret}x`)).not.toBe(hash);
  });

  it('are hinted by their last four characters', () => {
    expect(keySecretHint('mf_abcdefghWXYZ')).toBe('WXYZ');
  });
});
