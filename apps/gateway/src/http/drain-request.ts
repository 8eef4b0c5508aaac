import type { IncomingMessage } from 'node:http';

/** Past this, an oversized upload is cut off rather than read: the client then sees a reset. */
export const MAX_DRAIN_BYTES = 32 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Reads and discards the rest of a request body. Fastify answers 413 from
 * the Content-Length alone, before reading the body; the socket is then
 * closed while the client is still sending, and most clients (fetch, SDKs)
 * report a broken pipe instead of the 413. Draining first lets the answer
 * arrive, bounded in bytes and time so that it is no way to tie the server up.
 */
export function drainRequest(request: IncomingMessage, maxBytes = MAX_DRAIN_BYTES): Promise<void> {
  if (request.readableEnded || request.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let received = 0;
    const finish = () => {
      clearTimeout(timer);
      request.off('data', onData);
      request.off('end', finish);
      request.off('error', finish);
      request.off('close', finish);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) finish();
    };
    const timer = setTimeout(finish, DRAIN_TIMEOUT_MS);
    request.on('data', onData);
    request.once('end', finish);
    request.once('error', finish);
    request.once('close', finish);
    request.resume();
  });
}
