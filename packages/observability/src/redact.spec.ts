import {
  REDACTED,
  isCredentialName,
  redactFields,
  redactHeaders,
  redactUrl,
  redactUrlsIn,
} from './redact';

describe('isCredentialName', () => {
  it.each([
    'authorization',
    'Authorization',
    'proxy-authorization',
    'cookie',
    'Cookie',
    'set-cookie',
    'x-api-key',
    'X-Api-Key',
    'signature',
    'sig',
    'api_key',
    'API_KEY',
    'apikey',
    'token',
    'access_token',
    'auth',
    // Any name holding key, secret, token, password or signature.
    'client_secret',
    'refresh_token',
    'X-Amz-Signature',
    'X-Amz-Security-Token',
    'X-Amz-Credential',
    'password',
    'db_passwd',
    'private-key',
    'idempotency-key',
    'x-csrf-token',
    // As a query string may spell them.
    'api%5Fkey',
    ' token ',
  ])('%s is a credential', (name) => {
    expect(isCredentialName(name)).toBe(true);
  });

  it.each([
    'expires',
    'width',
    'filename',
    'kind',
    'project_id',
    'cursor',
    'limit',
    'content-type',
    'accept',
    'user-agent',
    'x-request-id',
    'host',
    'location',
  ])('%s is not a credential', (name) => {
    expect(isCredentialName(name)).toBe(false);
  });
});

describe('redactUrl', () => {
  it.each([
    [
      'a signed download keeps its path, expires and project, not its signature',
      '/files/file_a/content?expires=1800003600&signature=9f86d081884c7d65&project_id=prj_b',
      `/files/file_a/content?expires=1800003600&signature=${REDACTED}&project_id=prj_b`,
    ],
    [
      'an ?api_key= first or last',
      '/tasks?api_key=sk_live_1&limit=5',
      `/tasks?api_key=${REDACTED}&limit=5`,
    ],
    ['any case', '/x?API_KEY=sk_live_1', `/x?API_KEY=${REDACTED}`],
    [
      'each of several',
      'https://h.example/hook?token=t1&sig=s1&width=320&client_secret=c1',
      `https://h.example/hook?token=${REDACTED}&sig=${REDACTED}&width=320&client_secret=${REDACTED}`,
    ],
    ['an empty value', '/x?token=&kind=image', `/x?token=${REDACTED}&kind=image`],
    ['a repeated parameter', '/x?token=a&token=b', `/x?token=${REDACTED}&token=${REDACTED}`],
    [
      'an S3 presigned URL',
      'http://s3.local/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F2026&X-Amz-Expires=3600&X-Amz-Signature=abcd',
      `http://s3.local/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${REDACTED}&X-Amz-Expires=3600&X-Amz-Signature=${REDACTED}`,
    ],
    [
      'a token in the fragment',
      '/cb#access_token=abc&state=1',
      `/cb#access_token=${REDACTED}&state=1`,
    ],
    [
      'user info',
      'https://user:hunter2@hooks.example/in?x=1',
      `https://${REDACTED}@hooks.example/in?x=1`,
    ],
    [
      'a credential in a URL encoded in another parameter',
      '/login?next=https%3A%2F%2Fa.example%2F%3Ftoken%3Dsecret1&kind=x',
      `/login?next=${encodeURIComponent(`https://a.example/?token=${REDACTED}`)}&kind=x`,
    ],
  ])('redacts %s', (_what, url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it.each([
    '/files/file_a/content',
    '/tasks?expires=1&width=320&filename=a.mp4&kind=video',
    'https://media.example/files?cursor=abc%3D%3D',
    '/search?q=a%20b',
  ])('leaves %s as it is', (url) => {
    expect(redactUrl(url)).toBe(url);
  });
});

describe('redactUrlsIn', () => {
  it('redacts URLs quoted in a message, and only their credentials', () => {
    expect(
      redactUrlsIn(
        'Cannot GET /files/f/content?expires=1&signature=abc (see "https://x/?token=t")',
      ),
    ).toBe(
      `Cannot GET /files/f/content?expires=1&signature=${REDACTED} (see "https://x/?token=${REDACTED}")`,
    );
    expect(redactUrlsIn('task tsk_1 failed: input_forbidden: a=b')).toBe(
      'task tsk_1 failed: input_forbidden: a=b',
    );
  });
});

describe('redactHeaders', () => {
  it('replaces each credential header, keeps the others, and redacts URLs in them', () => {
    const headers = {
      authorization: 'Bearer sk_live_1',
      'x-api-key': 'sk_live_2',
      cookie: 'session=s1',
      'set-cookie': ['a=1', 'b=2'],
      'proxy-authorization': 'Basic dTpw',
      'content-type': 'application/json',
      'content-length': 12,
      location: 'http://s3.local/b/k?X-Amz-Expires=60&X-Amz-Signature=abcd',
    };
    expect(redactHeaders(headers)).toEqual({
      authorization: REDACTED,
      'x-api-key': REDACTED,
      cookie: REDACTED,
      'set-cookie': REDACTED,
      'proxy-authorization': REDACTED,
      'content-type': 'application/json',
      'content-length': 12,
      location: `http://s3.local/b/k?X-Amz-Expires=60&X-Amz-Signature=${REDACTED}`,
    });
    // A copy: the request keeps its headers.
    expect(headers.authorization).toBe('Bearer sk_live_1');
  });
});

describe('redactFields', () => {
  it('redacts an error: its message, its stack and the credentials among its properties', () => {
    const error = Object.assign(new Error('GET https://a.example/x?api_key=sekret-one failed'), {
      config: { headers: { Authorization: 'Bearer sekret-two', accept: '*/*' } },
    });
    const redacted = redactFields(error) as Record<string, any>;
    expect(redacted.message).toBe(`GET https://a.example/x?api_key=${REDACTED} failed`);
    expect(redacted.stack).toContain(`api_key=${REDACTED}`);
    expect(redacted.config).toEqual({ headers: { Authorization: REDACTED, accept: '*/*' } });
    expect(JSON.stringify(redacted)).not.toMatch(/sekret-one|sekret-two/);
  });
});
