import type { ByteBody, FetchLike } from '../http/http-client';
import type { IdempotentOptions } from '../types';

/**
 * What `files.upload` takes anywhere: bytes, a Blob (a browser `File`
 * included: its name is used), a web stream, or any async iterable of bytes
 * (a Node.js `Readable`). The Node entry adds a path on disk.
 */
export type UploadSource =
  | Uint8Array
  | ArrayBuffer
  | ArrayBufferView
  | Blob
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>;

export interface UploadProgress {
  /** Bytes sent so far. */
  loaded: number;
  /** Bytes in all, when known (always, but for a stream given without `size`). */
  total?: number;
}

export interface UploadOptions extends IdempotentOptions {
  /** The stored file's name; by default a `File`'s or a path's, else the API names it `upload`. */
  filename?: string;
  /**
   * The bytes' media type (default: a Blob's own, else
   * `application/octet-stream`; the API probes the content either way).
   * JSON and multipart types are sent as `application/octet-stream`: the
   * API would read those bodies as a URL to fetch, or a form.
   */
  contentType?: string;
  /** A stream's length in bytes: sent as Content-Length, and the `total` of progress. */
  size?: number;
  /** Called as the bytes go, and once more with `loaded === total` when the last has gone. */
  onProgress?: (progress: UploadProgress) => void;
}

/** A source made ready to send: its bytes for each attempt, and what is known of them. */
export interface PreparedSource {
  /** The bytes, a new stream per call; a one-shot source gives its one stream. */
  stream(): ReadableStream<Uint8Array>;
  /** The bytes whole, when they can be sent as they are (bytes, a Blob). */
  whole?: Blob | Uint8Array;
  size?: number;
  type?: string;
  filename?: string;
  /** Whether another attempt can send the bytes again. */
  replayable: boolean;
}

const CHUNK_BYTES = 64 * 1024;

/** Bytes as a stream of 64 KiB slices, so progress moves as they go. */
export function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      const end = Math.min(offset + CHUNK_BYTES, bytes.byteLength);
      controller.enqueue(bytes.subarray(offset, end));
      offset = end;
    },
  });
}

/** An async iterable of bytes (a Node.js Readable) as a web stream. */
export function iterableStream(
  iterable: AsyncIterable<Uint8Array | string>,
): ReadableStream<Uint8Array> {
  const iterator = iterable[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(typeof value === 'string' ? encoder.encode(value) : value);
    },
    async cancel(reason) {
      await iterator.return?.(reason);
    },
  });
}

function isReadableStream(value: unknown): value is ReadableStream<Uint8Array> {
  return typeof (value as ReadableStream | null)?.getReader === 'function';
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array | string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

/** Whatever the platform needs no Node.js for. Undefined for what it does not know. */
export function preparePortable(source: unknown): PreparedSource | undefined {
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const name = (source as { name?: unknown }).name;
    return {
      stream: () => source.stream(),
      whole: source,
      size: source.size,
      type: source.type || undefined,
      filename: typeof name === 'string' && name ? name : undefined,
      replayable: true,
    };
  }
  let bytes: Uint8Array | undefined;
  if (source instanceof Uint8Array) bytes = source;
  else if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  else if (ArrayBuffer.isView(source))
    bytes = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  if (bytes) {
    const whole = bytes;
    return { stream: () => bytesStream(whole), whole, size: whole.byteLength, replayable: true };
  }
  if (isReadableStream(source)) return { stream: () => source, replayable: false };
  if (isAsyncIterable(source)) {
    const stream = iterableStream(source);
    return { stream: () => stream, replayable: false };
  }
  return undefined;
}

/** The media type to send: JSON and multipart would be read as something else than a file. */
export function uploadContentType(type: string | undefined): string {
  const media = type?.split(';')[0]?.trim().toLowerCase();
  if (!media || media === 'application/json' || media.startsWith('multipart/'))
    return 'application/octet-stream';
  return type!;
}

/**
 * The stream handed to fetch: the source's bytes, counted as they are
 * taken, with `sent` called after the last.
 */
function countedStream(
  source: ReadableStream<Uint8Array>,
  total: number | undefined,
  onProgress: ((progress: UploadProgress) => void) | undefined,
  sent: () => void,
) {
  const reader = source.getReader();
  let loaded = 0;
  let touched = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      touched = true;
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        // With a known total the last chunk has reported it already.
        if (total === undefined) onProgress?.({ loaded, total: loaded });
        sent();
        return;
      }
      loaded += value.byteLength;
      controller.enqueue(value);
      onProgress?.({ loaded, total });
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { stream, touched: () => touched };
}

/** How a platform sends an upload's bytes. */
export interface UploadTransport {
  /** Node: a stream body (fetch with `duplex: 'half'`), counted as it goes. */
  streaming: boolean;
  /** A browser: an XMLHttpRequest-backed fetch that reports upload progress, for whole bodies. */
  progressFetch?: (
    onProgress: (progress: UploadProgress) => void,
    sent: () => void,
  ) => FetchLike | undefined;
}

/**
 * The body of `POST /files` for a prepared source: what headers it goes
 * with and how each attempt sends it. `progress` is told, on each
 * attempt, as the platform can tell: as the bytes go when it can,
 * otherwise not until the answer (see {@link Files.upload}).
 */
export function uploadBody(
  source: PreparedSource,
  options: Pick<UploadOptions, 'contentType' | 'size' | 'onProgress'>,
  transport: UploadTransport,
): ByteBody {
  const size = options.size ?? source.size;
  const headers: Record<string, string> = {
    'content-type': uploadContentType(options.contentType ?? source.type),
  };
  const onProgress = options.onProgress;
  if (transport.streaming || !source.whole) {
    // Browsers refuse to set Content-Length themselves; Node's fetch sends this one.
    if (size !== undefined) headers['content-length'] = String(size);
    return {
      headers,
      replayable: source.replayable,
      open(sent) {
        const counted = countedStream(source.stream(), size, onProgress, sent);
        return { body: counted.stream, touched: counted.touched, duplex: true };
      },
    };
  }
  const whole = source.whole;
  let sentHook: () => void = () => undefined;
  const progressFetch = onProgress
    ? transport.progressFetch?.(onProgress, () => sentHook())
    : undefined;
  return {
    headers,
    replayable: true,
    fetch: progressFetch,
    open(sent) {
      sentHook = sent;
      return { body: whole as BodyInit, touched: () => true, duplex: false };
    },
  };
}
