import type { IncomingMessage } from 'node:http';
import { finished, type Readable } from 'node:stream';
import { MediaflowError } from '@mediaflow/contracts';
import busboy from 'busboy';
import type { StreamedBody } from '../http/streamed-body';

/** An upload's bytes as they arrive, never buffered whole. */
export interface UploadSource {
  /** The request body, or a multipart body's first file part. Read once. */
  stream: Readable;
  /** A multipart file part's own name, if it has one. */
  partFilename: string | null;
  /**
   * Stops reading the request for this upload (it was refused): the rest of
   * the body is left for the error answer to drain.
   */
  stop(): void;
}

/** Multipart fields besides the file are ignored; these bound how many are read past. */
const MULTIPART_LIMITS = { files: 1, fields: 100, parts: 200, fieldSize: 64 * 1024 };

function badMultipart(reason: string): MediaflowError {
  return new MediaflowError('validation_failed', `The multipart body is malformed: ${reason}`);
}

/**
 * The bytes of an upload: a multipart body's first file part, or any other
 * body whole. Resolves as soon as the bytes start (for multipart, at the
 * file part's headers), so that they stream on into storage.
 */
export function openUpload(request: IncomingMessage, body: StreamedBody): Promise<UploadSource> {
  if (!body.isMultipart) {
    return Promise.resolve({ stream: request, partFilename: null, stop: () => undefined });
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: request.headers, limits: MULTIPART_LIMITS });
    } catch (error) {
      // No boundary, or a Content-Type busboy cannot read.
      reject(badMultipart((error as Error).message));
      return;
    }
    let found = false;
    const stop = () => {
      request.unpipe(parser);
      parser.removeAllListeners('file');
      parser.on('file', (_name, stream) => stream.resume());
      parser.destroy();
    };
    parser.on('file', (_name, stream, info) => {
      // Only the first file part is the upload; later ones are read past.
      if (found) {
        stream.resume();
        return;
      }
      found = true;
      resolve({ stream, partFilename: info.filename ?? null, stop });
    });
    // Once the file is found its stream reports a broken body; before, the promise does.
    parser.on('error', (error: Error) => {
      if (!found) reject(badMultipart(error.message));
    });
    parser.on('close', () => {
      if (!found) {
        reject(
          new MediaflowError('validation_failed', 'The multipart body has no file part', [
            { path: 'file', message: 'send the file as a part with a filename' },
          ]),
        );
      }
    });
    // A pipe does not pass on errors: a client that hangs up must still end the file part.
    finished(request, (error) => {
      if (error && !parser.destroyed) parser.destroy(error);
    });
    request.pipe(parser);
  });
}
