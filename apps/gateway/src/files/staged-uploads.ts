import { finished, Transform, type Readable } from 'node:stream';
import { MediaflowError, newId } from '@mediaflow/contracts';
import { uploadKey, type Storage } from '@mediaflow/storage';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { STORAGE } from './storage.provider';
import type { UploadSource } from './upload-source';

/**
 * The staged bytes' name in storage: fixed, never the client's, so that an
 * extension like `.txt` cannot steer the worker's probe (as a download is
 * kept as `source`).
 */
export const STAGED_UPLOAD_NAME = 'upload';

/** An upload that sends nothing for this long is given up. */
export const UPLOAD_IDLE_MS = 60_000;

export interface StagedUpload {
  key: string;
  size: number;
}

export function uploadTooLarge(maxBytes: number): MediaflowError {
  return new MediaflowError(
    'payload_too_large',
    `The upload is larger than the ${maxBytes}-byte limit (MEDIAFLOW_MAX_UPLOAD_BYTES)`,
  );
}

/**
 * The bytes of `source` passed through, failing with 413 as soon as they
 * pass `maxBytes`, with 400 when the source breaks off or stalls. The
 * source is unpiped, never destroyed: destroying the request would close
 * the socket before the answer could be sent.
 */
export function limitBytes(
  source: Readable,
  maxBytes: number,
  idleMs: number = UPLOAD_IDLE_MS,
): Transform {
  let received = 0;
  let idle: NodeJS.Timeout | undefined;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > maxBytes) {
        done(uploadTooLarge(maxBytes));
        return;
      }
      armIdle();
      done(null, chunk);
    },
  });
  const armIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      limited.destroy(
        new MediaflowError(
          'validation_failed',
          `The upload stalled: nothing arrived for ${idleMs / 1000} s`,
        ),
      );
    }, idleMs);
  };
  armIdle();
  finished(source, (error) => {
    if (error && !limited.destroyed) {
      limited.destroy(
        new MediaflowError('validation_failed', `The upload was cut short: ${error.message}`),
      );
    }
  });
  limited.once('close', () => {
    clearTimeout(idle);
    source.unpipe(limited);
  });
  source.pipe(limited);
  return limited;
}

/**
 * Where uploads wait for their ingest: under one of the project's upload
 * keys (storage's uploadKey), which the scheduler deletes once the ingest
 * has stored the file or refused it.
 */
@Injectable()
export class StagedUploads {
  private readonly logger = new Logger('StagedUploads');

  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  /**
   * Streams the upload into storage, never whole in memory. Past `maxBytes`
   * it is a 413 and nothing is left in storage: the driver writes to a
   * temporary file that it removes when the write fails.
   */
  async stage(projectId: string, upload: UploadSource, maxBytes: number): Promise<StagedUpload> {
    const key = uploadKey(projectId, newId('file'), STAGED_UPLOAD_NAME);
    try {
      const { size } = await this.storage.put(key, limitBytes(upload.stream, maxBytes));
      return { key, size };
    } catch (error) {
      upload.stop();
      await this.discard(key);
      throw error;
    }
  }

  /** Deletes a staged upload no ingest took on; a failure leaves it behind, logged. */
  async discard(key: string): Promise<void> {
    try {
      await this.storage.delete(key);
    } catch (error) {
      this.logger.warn(`staged upload ${key} not deleted: ${(error as Error).message}`);
    }
  }
}
