import { createHash } from 'node:crypto';
import { MediaflowError } from '@mediaflow/contracts';

/**
 * `Idempotency-Key` (docs/http-api.md, Idempotency): the rules, free of I/O so that
 * they are table-tested. The interceptor and the store do the rest.
 */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** Response headers that are part of the answer, kept and replayed with it. */
export const KEPT_RESPONSE_HEADERS = ['Preference-Applied'] as const;

/** How long an answer is replayed. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
/**
 * A reservation still without an answer after this was left by a gateway
 * that died mid-request: the key may be used again rather than answer
 * "in progress" for a whole day. Far past the longest request (the bus
 * timeout is at most two minutes).
 */
export const ABANDONED_AFTER_MS = 5 * 60 * 1000;

/** 1 to 255 printable ASCII characters; the OpenAPI document gives the same pattern. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/** The key of a request, undefined when it sent none; anything but 1..255 printable ASCII is a 400. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (Array.isArray(header) || !IDEMPOTENCY_KEY_PATTERN.test(header)) {
    throw new MediaflowError('validation_failed', 'The Idempotency-Key header is invalid', [
      {
        path: 'Idempotency-Key',
        message: 'must be one value of 1 to 255 printable ASCII characters',
      },
    ]);
  }
  return header;
}

/**
 * What makes two requests "the same": method, path and body. An upload's
 * body is its description (http/streamed-body.ts: media type, length, name),
 * its bytes being unread when the key is decided.
 */
export interface RequestFingerprint {
  method: string;
  path: string;
  bodyHash: string;
}

/**
 * JSON with object keys sorted, so that `{"a":1,"b":2}` and `{"b":2,"a":1}`
 * are one body. Recursive: the bodies it is given nest at most
 * MAX_JSON_DEPTH (http/json-body.ts) deep, the parser refusing deeper ones.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestFingerprint(method: string, url: string, body: unknown): RequestFingerprint {
  return {
    method: method.toUpperCase(),
    // The query string is no part of a POST's meaning here.
    path: url.split('?')[0] ?? url,
    // No body reads as `{}`, as the handlers read it.
    bodyHash: createHash('sha256')
      .update(canonicalJson(body === undefined ? {} : body))
      .digest('hex'),
  };
}

/** A key as stored: its first request, and the answer once there is one. */
export interface StoredIdempotencyKey extends RequestFingerprint {
  /**
   * This reservation's claim, which a resumable route passes to the
   * scheduler (null on keys reserved before claims existed).
   */
  claimId: string | null;
  /** Null while the first request runs. */
  status: number | null;
  response: unknown;
  /** Those of {@link KEPT_RESPONSE_HEADERS} the answer had. */
  headers: Record<string, string>;
  /** Measured by the database's clock, which every replica shares. */
  ageMs: number;
}

export type KeyDecision =
  | { action: 'replay'; status: number; body: unknown; headers: Record<string, string> }
  | { action: 'conflict'; message: string }
  /** Expired or abandoned: forget it and reserve the key afresh. */
  | { action: 'retake' }
  /** Unanswered on a resumable route: run again under the same claim, which finds what the first made. */
  | { action: 'resume'; claimId: string };

/**
 * What to do with a request whose key is already taken. On a `resumable`
 * route (one that creates with the claim, in the transaction that records
 * it: docs/http-api.md, Idempotency) an unanswered reservation is resumed,
 * however old, rather than answered "in progress" or given up: the first
 * request may have created its run and died before answering.
 */
export function decideOnTakenKey(
  stored: StoredIdempotencyKey,
  request: RequestFingerprint,
  { resumable = false }: { resumable?: boolean } = {},
): KeyDecision {
  if (stored.ageMs >= IDEMPOTENCY_WINDOW_MS) return { action: 'retake' };
  const same =
    stored.method === request.method &&
    stored.path === request.path &&
    stored.bodyHash === request.bodyHash;
  if (resumable && same && stored.status === null && stored.claimId !== null)
    return { action: 'resume', claimId: stored.claimId };
  if (stored.status === null && stored.ageMs >= ABANDONED_AFTER_MS) return { action: 'retake' };
  if (!same) {
    return {
      action: 'conflict',
      message:
        'This Idempotency-Key was used with a different request: send a new key for a new request',
    };
  }
  if (stored.status === null) {
    return {
      action: 'conflict',
      message:
        'A request with this Idempotency-Key is still in progress: retry once it has answered',
    };
  }
  return {
    action: 'replay',
    status: stored.status,
    body: stored.response,
    headers: stored.headers,
  };
}

/** The {@link KEPT_RESPONSE_HEADERS} an answer has, by name. */
export function keptHeaders(getHeader: (name: string) => unknown): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_RESPONSE_HEADERS) {
    const value = getHeader(name);
    if (typeof value === 'string') kept[name] = value;
  }
  return kept;
}

/** A server failure (5xx) releases the key so that the client can retry; anything else is kept. */
export function keepsAnswer(status: number): boolean {
  return status < 500;
}

/**
 * After a server failure (5xx) a resumable route keeps its reservation
 * unanswered: the scheduler may have created the run before the failure
 * (an answer that timed out), and the retry must resume the same claim to
 * find it. Other routes free the key, so that the retry runs afresh.
 */
export function releasesOnFailure(resumable: boolean): boolean {
  return !resumable;
}
