import { MediaflowError, isMediaflowError } from '@mediaflow/contracts';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  guardedLookup,
  isAddressRefusedError,
  literalHostRefusal,
  type AllowEntry,
} from '@mediaflow/net-guard';
import { downloadFilename } from './download-filename';

export interface DownloadLimits {
  maxBytes: number;
  /** The whole download, every hop and the body included. */
  timeoutMs: number;
  /** Per hop: connecting and receiving the response headers. */
  headersTimeoutMs: number;
  maxRedirects: number;
  allowList: readonly AllowEntry[];
  /** Once the headers are in: the first byte of the body must come within this. */
  firstByteTimeoutMs: number;
  /** Below this over any {@link PACE_WINDOW_MS} the download is given up (0: no minimum). */
  minBytesPerSecond: number;
}

/**
 * How long the rate is measured over: long enough for a slow link's
 * hiccups, short enough that a source trickling a byte a second gives up
 * its worker's slot in half a minute, not after the whole download timeout.
 */
export const PACE_WINDOW_MS = 30_000;

/**
 * Why a body's pace is too slow, or null: nothing by `firstByteTimeoutMs`
 * after the headers, or fewer than `minBytesPerSecond` over the last window.
 */
export function tooSlow(
  limits: Pick<DownloadLimits, 'firstByteTimeoutMs' | 'minBytesPerSecond'>,
  pace: { elapsedMs: number; total: number; windowMs: number; windowBytes: number },
): string | null {
  if (pace.total === 0 && pace.elapsedMs >= limits.firstByteTimeoutMs)
    return `sent nothing within ${limits.firstByteTimeoutMs / 1000} s of its headers`;
  const wanted = (limits.minBytesPerSecond * pace.windowMs) / 1000;
  if (pace.total > 0 && pace.windowBytes < wanted)
    return `sent ${pace.windowBytes} bytes in ${pace.windowMs / 1000} s, below the minimum of ${limits.minBytesPerSecond} bytes/s`;
  return null;
}

/**
 * Watches a response body's pace (tooSlow), destroying it with
 * `input_too_slow` when it falls short. Returns the byte counter to call
 * for each chunk, and a stop for when the body has ended.
 */
function watchPace(
  response: IncomingMessage,
  url: URL,
  limits: DownloadLimits,
  windowMs: number,
): { received: (bytes: number) => void; stop: () => void } {
  const started = Date.now();
  let total = 0;
  let windowBytes = 0;
  const check = (elapsedWindowMs: number) => {
    const reason = tooSlow(limits, {
      elapsedMs: Date.now() - started,
      total,
      windowMs: elapsedWindowMs,
      windowBytes,
    });
    windowBytes = 0;
    if (reason)
      response.destroy(new MediaflowError('input_too_slow', `${displayUrl(url)} ${reason}`));
  };
  const firstByte = setTimeout(() => check(0), limits.firstByteTimeoutMs);
  const windows =
    limits.minBytesPerSecond > 0 ? setInterval(() => check(windowMs), windowMs) : null;
  return {
    received: (bytes) => {
      if (total === 0) clearTimeout(firstByte);
      total += bytes;
      windowBytes += bytes;
    },
    stop: () => {
      clearTimeout(firstByte);
      if (windows) clearInterval(windows);
    },
  };
}

export interface DownloadOptions {
  /** The task's: cancelling it stops the download. */
  signal: AbortSignal;
  /** 0..100, when the size is known up front. */
  onProgress?: (percent: number) => void;
}

export interface Downloaded {
  /** Sanitised, from Content-Disposition or the URL. */
  filename: string;
  bytes: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A URL as messages show it: no credentials, no query (signed URLs carry secrets there). */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function parseUrl(text: string, base?: URL): URL {
  try {
    return new URL(text, base);
  } catch {
    throw new MediaflowError('input_unreachable', `"${text.slice(0, 200)}" is not a URL`);
  }
}

/** Refuses what is not http(s), and IP-literal hosts (which skip `lookup`) that are not allowed. */
function checkUrl(url: URL, allowList: readonly AllowEntry[]): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new MediaflowError(
      'input_forbidden',
      `${url.protocol}// URLs cannot be fetched; only http and https`,
    );
  }
  const refusal = literalHostRefusal(url, allowList);
  if (refusal) throw new MediaflowError('input_forbidden', refusal.message);
}

/** One request, resolved when the response headers arrive. */
function requestHeaders(
  url: URL,
  limits: DownloadLimits,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'GET',
      signal,
      // A fresh connection per request: a pooled socket was never checked for this hop.
      agent: false,
      lookup: guardedLookup(limits.allowList),
      // Bytes as stored, counted against the limit as they arrive; no decompression bombs.
      headers: { 'accept-encoding': 'identity', 'user-agent': 'mediaflow-ingest/1' },
    });
    const timer = setTimeout(() => {
      request.destroy(
        new MediaflowError(
          'timeout',
          `${displayUrl(url)} did not answer within ${limits.headersTimeoutMs / 1000} s`,
        ),
      );
    }, limits.headersTimeoutMs);
    request.once('response', (response) => {
      clearTimeout(timer);
      resolve(response);
    });
    request.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end();
  });
}

/** Counts bytes through, failing as soon as the count passes the limit. */
function byteCounter(maxBytes: number, onBytes: (total: number) => void, what: string): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      if (total > maxBytes) {
        done(
          new MediaflowError(
            'input_too_large',
            `${what} is larger than the ${maxBytes}-byte download limit`,
          ),
        );
        return;
      }
      onBytes(total);
      done(null, chunk);
    },
  });
}

/** What a failure that is not already a MediaflowError means for the task. */
function downloadError(
  error: unknown,
  url: URL,
  limits: DownloadLimits,
  timedOut: boolean,
  task: AbortSignal,
): MediaflowError {
  if (isMediaflowError(error)) return error;
  // The guarded lookup refused every address the host resolved to.
  if (isAddressRefusedError(error)) return new MediaflowError('input_forbidden', error.message);
  // The task's own abort says why (cancelled, or the worker's task timeout).
  if (task.aborted)
    return isMediaflowError(task.reason)
      ? task.reason
      : new MediaflowError('cancelled', 'The task was cancelled');
  if (timedOut) {
    return new MediaflowError(
      'timeout',
      `downloading ${displayUrl(url)} took longer than ${limits.timeoutMs / 1000} s`,
    );
  }
  const code = (error as NodeJS.ErrnoException)?.code;
  const reason =
    code === 'ENOTFOUND'
      ? `cannot resolve ${url.hostname}`
      : (code ?? (error as Error)?.message ?? String(error));
  return new MediaflowError('input_unreachable', `cannot download ${displayUrl(url)}: ${reason}`);
}

/**
 * Downloads `source` to `dest`, streaming: http(s) only, redirects followed
 * by hand so that each hop's address is checked, stopped as soon as it
 * passes the size or time limit. Fails with the task error codes of
 * docs/task-kinds.md: `input_forbidden`, `input_unreachable`, `input_too_large`,
 * `input_too_slow`, `timeout`, `cancelled`.
 */
export async function download(
  source: string,
  dest: string,
  limits: DownloadLimits,
  options: DownloadOptions,
  paceWindowMs = PACE_WINDOW_MS,
): Promise<Downloaded> {
  const deadline = AbortSignal.timeout(limits.timeoutMs);
  const signal = AbortSignal.any([options.signal, deadline]);
  let url = parseUrl(source);
  try {
    for (let redirects = 0; ; redirects++) {
      checkUrl(url, limits.allowList);
      const response = await requestHeaders(url, limits, signal);
      const status = response.statusCode ?? 0;

      if (REDIRECTS.has(status)) {
        response.resume();
        const location = response.headers.location;
        if (!location)
          throw new MediaflowError(
            'input_unreachable',
            `${displayUrl(url)} answered ${status} without a Location`,
          );
        if (redirects >= limits.maxRedirects) {
          throw new MediaflowError(
            'input_unreachable',
            `${displayUrl(parseUrl(source))} redirects more than ${limits.maxRedirects} times`,
          );
        }
        url = parseUrl(location, url);
        continue;
      }
      if (status < 200 || status > 299) {
        response.resume();
        throw new MediaflowError('input_unreachable', `${displayUrl(url)} answered HTTP ${status}`);
      }

      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > limits.maxBytes) {
        response.destroy();
        throw new MediaflowError(
          'input_too_large',
          `${displayUrl(url)} is ${declared} bytes, more than the ${limits.maxBytes}-byte download limit`,
        );
      }
      let bytes = 0;
      const known = Number.isFinite(declared) && declared > 0 ? declared : null;
      const pace = watchPace(response, url, limits, paceWindowMs);
      const counter = byteCounter(
        limits.maxBytes,
        (total) => {
          pace.received(total - bytes);
          bytes = total;
          if (known) options.onProgress?.(Math.min(100, (total / known) * 100));
        },
        displayUrl(url),
      );
      try {
        await pipeline(response, counter, createWriteStream(dest), { signal });
      } finally {
        pace.stop();
      }
      return { filename: downloadFilename(response.headers['content-disposition'], url), bytes };
    }
  } catch (error) {
    await rm(dest, { force: true });
    throw downloadError(error, url, limits, deadline.aborted, options.signal);
  }
}
