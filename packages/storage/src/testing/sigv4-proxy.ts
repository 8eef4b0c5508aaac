import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * s3rver checks the access key and the expiry of SigV4 requests but not
 * their signature ("V4 calculation is unimplemented"), so on its own it
 * would accept a request signed with any secret. This proxy, put in front of
 * it, checks every SigV4 signature the way S3 does (AWS Signature Version 4,
 * header and query-string forms) and answers S3's 403 SignatureDoesNotMatch,
 * so the tests prove the driver and its presigned URLs are signed right.
 *
 * Not checked, as s3rver does not either: the body against
 * x-amz-content-sha256, and the chunk signatures of aws-chunked uploads.
 */

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** How far a header-signed request's clock may be off (S3's RequestTimeTooSkewed). */
const MAX_SKEW_MS = 15 * 60_000;

interface SigV4Failure {
  code: 'SignatureDoesNotMatch' | 'AccessDenied' | 'InvalidAccessKeyId' | 'RequestTimeTooSkewed';
  message: string;
}

/** RFC 3986 encoding, as SigV4 canonicalises query strings. */
function encode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/** `20250101T000000Z` → milliseconds, or NaN. */
function amzTime(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : Number.NaN;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * Checks a request's SigV4 signature against `secrets` (access key id →
 * secret). Null when genuine, or when the request is not SigV4-signed at
 * all (anonymous: s3rver decides).
 */
export function verifySigV4(
  request: { method: string; url: string; headers: IncomingHttpHeaders },
  secrets: ReadonlyMap<string, string>,
  now = Date.now(),
): SigV4Failure | null {
  const [path = '/', rawQuery = ''] = request.url.split(/\?(.*)/s);
  const params = rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const at = pair.indexOf('=');
      return at < 0 ? [decode(pair), ''] : [decode(pair.slice(0, at)), decode(pair.slice(at + 1))];
    }) as [string, string][];
  const query = new Map(params);
  const authorization = header(request.headers, 'authorization');

  let credential: string;
  let signedHeaders: string;
  let provided: string;
  let amzDate: string;
  let payloadHash: string;
  let signedParams = params;
  if (query.get('X-Amz-Algorithm') !== undefined) {
    if (query.get('X-Amz-Algorithm') !== ALGORITHM) {
      return { code: 'AccessDenied', message: 'Unsupported X-Amz-Algorithm' };
    }
    credential = query.get('X-Amz-Credential') ?? '';
    signedHeaders = query.get('X-Amz-SignedHeaders') ?? '';
    provided = query.get('X-Amz-Signature') ?? '';
    amzDate = query.get('X-Amz-Date') ?? '';
    payloadHash = query.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD';
    signedParams = params.filter(([name]) => name !== 'X-Amz-Signature');
    const expires = Number(query.get('X-Amz-Expires'));
    if (!Number.isInteger(expires) || expires < 1 || expires > 604_800) {
      return { code: 'AccessDenied', message: 'X-Amz-Expires must be 1 to 604800 seconds' };
    }
    if (now > amzTime(amzDate) + expires * 1000) {
      return { code: 'AccessDenied', message: 'Request has expired' };
    }
  } else if (authorization?.startsWith(`${ALGORITHM} `)) {
    const fields = new Map(
      authorization
        .slice(ALGORITHM.length + 1)
        .split(',')
        .map((field) => field.trim().split('=') as [string, string]),
    );
    credential = fields.get('Credential') ?? '';
    signedHeaders = fields.get('SignedHeaders') ?? '';
    provided = fields.get('Signature') ?? '';
    amzDate = header(request.headers, 'x-amz-date') ?? '';
    payloadHash = header(request.headers, 'x-amz-content-sha256') ?? '';
    if (!payloadHash) {
      return { code: 'AccessDenied', message: 'Missing x-amz-content-sha256' };
    }
    if (!(Math.abs(now - amzTime(amzDate)) <= MAX_SKEW_MS)) {
      return { code: 'RequestTimeTooSkewed', message: 'The request time is too far from ours' };
    }
  } else {
    return null;
  }

  const [accessKeyId, date, region, service, terminator] = credential.split('/');
  const secret = accessKeyId === undefined ? undefined : secrets.get(accessKeyId);
  if (secret === undefined) {
    return { code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id does not exist' };
  }
  if (
    !date ||
    !region ||
    service !== 's3' ||
    terminator !== 'aws4_request' ||
    !amzDate.startsWith(date)
  ) {
    return { code: 'AccessDenied', message: 'Malformed credential scope' };
  }
  const headerNames = signedHeaders.split(';');
  if (!headerNames.includes('host')) {
    return { code: 'AccessDenied', message: 'The host header must be signed' };
  }

  const canonicalQuery = signedParams
    .map(([name, value]) => [encode(name), encode(value)])
    .sort(([a, av], [b, bv]) => (a! < b! ? -1 : a! > b! ? 1 : av! < bv! ? -1 : av! > bv! ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalHeaders = headerNames
    .map((name) => `${name}:${(header(request.headers, name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  // S3 signs the path as sent: no normalising, no second encoding.
  const canonicalRequest = [
    request.method,
    path,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${date}/${region}/s3/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), 's3'), 'aws4_request');
  const expected = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest();
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(provided) ? provided : '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return {
      code: 'SignatureDoesNotMatch',
      message:
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    };
  }
  return null;
}

function refuse(response: ServerResponse, failure: SigV4Failure): void {
  response.writeHead(403, { 'Content-Type': 'application/xml' });
  response.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${failure.code}</Code><Message>${failure.message}</Message></Error>`,
  );
}

/**
 * An HTTP server on 127.0.0.1 that checks each request's signature and
 * passes the genuine ones, streamed both ways, to `upstream`.
 */
export async function startSigV4Proxy(
  upstream: { host: string; port: number },
  secrets: ReadonlyMap<string, string>,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const failure = verifySigV4(
      { method: incoming.method ?? 'GET', url: incoming.url ?? '/', headers: incoming.headers },
      secrets,
    );
    if (failure) {
      // Read and drop the body so the client sees the answer, not a reset.
      incoming.resume();
      refuse(response, failure);
      return;
    }
    const forward = httpRequest(
      {
        host: upstream.host,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forward.on('error', () => response.destroy());
    incoming.on('error', () => forward.destroy());
    incoming.pipe(forward);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
