import http from 'node:http';
import https from 'node:https';
import {
  guardedLookup,
  isAddressRefusedError,
  literalHostRefusal,
  type AllowEntry,
} from '@mediaflow/net-guard';
import type { WebhookOutcome } from './webhook-schedule';

export interface WebhookPost {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** MEDIAFLOW_ALLOWED_HOSTS: what may be posted to although it is not public. */
  allowList: readonly AllowEntry[];
}

/**
 * POSTs a webhook where it may go: http(s) only, to a public address or one
 * the operator allows, the connection pinned to the address that was checked
 * (no second resolution to rebind). A redirect is an answer, not followed:
 * the body is never re-sent somewhere else.
 */
export function postWebhook(post: WebhookPost): Promise<WebhookOutcome> {
  let url: URL;
  try {
    url = new URL(post.url);
  } catch {
    return Promise.resolve({ refused: `"${post.url.slice(0, 200)}" is not a URL` });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.resolve({
      refused: `${url.protocol}// URLs cannot be posted to; only http and https`,
    });
  }
  // IP-literal hosts never reach the lookup: check them here.
  const refusal = literalHostRefusal(url, post.allowList);
  if (refusal) return Promise.resolve({ refused: refusal.message });

  const signal = AbortSignal.timeout(post.timeoutMs);
  return new Promise((resolve) => {
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      signal,
      // A fresh connection: a pooled socket was never checked for this URL.
      agent: false,
      lookup: guardedLookup(post.allowList),
      headers: { ...post.headers, 'content-length': String(Buffer.byteLength(post.body)) },
    });
    request.once('response', (response) => {
      // Only the status matters; let the connection go.
      response.destroy();
      resolve({ status: response.statusCode ?? 0 });
    });
    request.once('error', (error: NodeJS.ErrnoException) => {
      if (isAddressRefusedError(error)) resolve({ refused: error.message });
      else if (signal.aborted) resolve({ error: `no answer within ${post.timeoutMs} ms` });
      else resolve({ error: error.code ?? error.message });
    });
    request.end(post.body);
  });
}
