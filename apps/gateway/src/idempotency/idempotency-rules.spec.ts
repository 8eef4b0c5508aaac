import { MediaflowError } from '@mediaflow/contracts';
import {
  ABANDONED_AFTER_MS,
  IDEMPOTENCY_WINDOW_MS,
  canonicalJson,
  decideOnTakenKey,
  releasesOnFailure,
  keepsAnswer,
  keptHeaders,
  parseIdempotencyKey,
  requestFingerprint,
  type StoredIdempotencyKey,
} from './idempotency-rules';

describe('parseIdempotencyKey', () => {
  it.each([
    ['a UUID', '0b6a1f3e-8c55-4a0e-9f0f-5d7c1d6f2e11'],
    ['one character', 'k'],
    ['255 characters', 'k'.repeat(255)],
    ['printable ASCII with spaces and symbols', 'order #42 / retry ~1'],
  ])('takes %s', (_name, key) => {
    expect(parseIdempotencyKey(key)).toBe(key);
  });

  it('is undefined without the header', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
  });

  it.each([
    ['an empty key', ''],
    ['256 characters', 'k'.repeat(256)],
    ['a tab', 'a\tb'],
    ['non-ASCII', 'clé'],
    ['a DEL', 'a\x7f'],
    ['two headers', ['a', 'b']],
  ])('refuses %s with a 400 naming the header', (_name, key) => {
    let error: unknown;
    try {
      parseIdempotencyKey(key);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MediaflowError);
    expect(error).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'Idempotency-Key' }],
    });
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('drops undefined members, as JSON does', () => {
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
  });
});

describe('requestFingerprint', () => {
  const base = requestFingerprint('post', '/tasks', { kind: 'image', url: 'https://a.test/x.png' });

  it('is one for bodies that differ only in key order, and ignores the query string', () => {
    expect(
      requestFingerprint('POST', '/tasks?x=1', { url: 'https://a.test/x.png', kind: 'image' }),
    ).toEqual(base);
    expect(base).toMatchObject({ method: 'POST', path: '/tasks' });
    expect(base.bodyHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs when the body, the path or the method does', () => {
    expect(
      requestFingerprint('POST', '/tasks', { kind: 'image', url: 'https://a.test/y.png' }).bodyHash,
    ).not.toBe(base.bodyHash);
    expect(
      requestFingerprint('POST', '/automations/auto_x/run', {
        kind: 'image',
        url: 'https://a.test/x.png',
      }).path,
    ).not.toBe(base.path);
  });

  it('reads no body as {}', () => {
    expect(requestFingerprint('POST', '/x', undefined).bodyHash).toBe(
      requestFingerprint('POST', '/x', {}).bodyHash,
    );
  });
});

describe('decideOnTakenKey', () => {
  const request = requestFingerprint('POST', '/tasks', { kind: 'image', file_id: 'file_x' });
  const stored = (changes: Partial<StoredIdempotencyKey> = {}): StoredIdempotencyKey => ({
    ...request,
    claimId: 'claim-1',
    status: 201,
    response: { id: 'task_x' },
    headers: {},
    ageMs: 1000,
    ...changes,
  });

  it.each<[string, StoredIdempotencyKey, ReturnType<typeof decideOnTakenKey>]>([
    [
      'the same request, answered',
      stored(),
      { action: 'replay', status: 201, body: { id: 'task_x' }, headers: {} },
    ],
    [
      'the same request, answered with the headers that are part of it',
      stored({ headers: { 'Preference-Applied': 'wait=5' } }),
      {
        action: 'replay',
        status: 201,
        body: { id: 'task_x' },
        headers: { 'Preference-Applied': 'wait=5' },
      },
    ],
    [
      'the same request, answered with a client error',
      stored({ status: 409, response: { error: { code: 'conflict', message: 'paused' } } }),
      {
        action: 'replay',
        status: 409,
        body: { error: { code: 'conflict', message: 'paused' } },
        headers: {},
      },
    ],
    [
      'another body',
      stored({ bodyHash: 'f'.repeat(64) }),
      { action: 'conflict', message: expect.stringMatching(/different request/) },
    ],
    [
      'another path',
      stored({ path: '/automations/auto_x/run' }),
      { action: 'conflict', message: expect.stringMatching(/different request/) },
    ],
    [
      'the same request, still running',
      stored({ status: null, response: null }),
      { action: 'conflict', message: expect.stringMatching(/in progress/) },
    ],
    [
      'another request, while the first runs',
      stored({ status: null, response: null, bodyHash: '0'.repeat(64) }),
      { action: 'conflict', message: expect.stringMatching(/different request/) },
    ],
    ['an answer past the 24 hours', stored({ ageMs: IDEMPOTENCY_WINDOW_MS }), { action: 'retake' }],
    [
      'another request, past the 24 hours',
      stored({ ageMs: IDEMPOTENCY_WINDOW_MS + 1, path: '/x' }),
      { action: 'retake' },
    ],
    [
      'a reservation its gateway abandoned',
      stored({ status: null, ageMs: ABANDONED_AFTER_MS }),
      { action: 'retake' },
    ],
    [
      'an answer as old as an abandoned reservation',
      stored({ ageMs: ABANDONED_AFTER_MS }),
      { action: 'replay', status: 201, body: { id: 'task_x' }, headers: {} },
    ],
  ])('%s', (_name, key, decision) => {
    expect(decideOnTakenKey(key, request)).toEqual(decision);
  });

  // A resumable route created with the claim, in the scheduler's transaction:
  // the first request may have made its run and died before answering.
  it.each<[string, StoredIdempotencyKey, ReturnType<typeof decideOnTakenKey>]>([
    [
      'the same request, still running',
      stored({ status: null, response: null }),
      { action: 'resume', claimId: 'claim-1' },
    ],
    [
      'the same request, its gateway gone for longer than an abandoned reservation',
      stored({ status: null, response: null, ageMs: ABANDONED_AFTER_MS * 10 }),
      { action: 'resume', claimId: 'claim-1' },
    ],
    [
      'the same request, answered',
      stored(),
      { action: 'replay', status: 201, body: { id: 'task_x' }, headers: {} },
    ],
    [
      'another request, while the first runs',
      stored({ status: null, response: null, bodyHash: '0'.repeat(64) }),
      { action: 'conflict', message: expect.stringMatching(/different request/) },
    ],
    [
      'a reservation from before claims existed',
      stored({ status: null, response: null, claimId: null }),
      { action: 'conflict', message: expect.stringMatching(/in progress/) },
    ],
    [
      'the same request, past the 24 hours',
      stored({ status: null, ageMs: IDEMPOTENCY_WINDOW_MS }),
      { action: 'retake' },
    ],
  ])('on a resumable route, %s', (_name, key, decision) => {
    expect(decideOnTakenKey(key, request, { resumable: true })).toEqual(decision);
  });
});

describe('releasesOnFailure', () => {
  it('frees the key after a server failure, except where the retry must resume the claim', () => {
    expect(releasesOnFailure(false)).toBe(true);
    expect(releasesOnFailure(true)).toBe(false);
  });
});

describe('keptHeaders', () => {
  it('keeps the headers that are part of an answer, and no other', () => {
    const sent: Record<string, unknown> = {
      'preference-applied': 'wait=5',
      'content-type': 'application/json',
      'x-request-id': 'r1',
    };
    expect(keptHeaders((name) => sent[name.toLowerCase()])).toEqual({
      'Preference-Applied': 'wait=5',
    });
    expect(keptHeaders(() => undefined)).toEqual({});
  });
});

describe('keepsAnswer', () => {
  it.each([
    [201, true],
    [200, true],
    [400, true],
    [404, true],
    [409, true],
    [500, false],
    [503, false],
  ])('%i: %s', (status, kept) => {
    expect(keepsAnswer(status)).toBe(kept);
  });
});
