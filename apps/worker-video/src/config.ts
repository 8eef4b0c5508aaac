import { workerConfigSchema } from '@mediaflow/worker-kit';
import { z } from 'zod';
import { allowedHostsEnv } from '@mediaflow/config';

const GIB = 1024 ** 3;

const count = (min: number, max: number, fallback: number, unit: string) =>
  z.coerce
    .number({ error: `must be a number of ${unit}` })
    .int('must be a whole number')
    .min(min, `must be ≥ ${min}`)
    .max(max, `must be ≤ ${max}`)
    .default(fallback);

/** The video worker's environment: every worker's, plus what `ingest` needs. */
export const videoWorkerConfigSchema = workerConfigSchema(3003).extend({
  ...allowedHostsEnv,
  MEDIAFLOW_MAX_DOWNLOAD_BYTES: count(1, Number.MAX_SAFE_INTEGER, 2 * GIB, 'bytes'),
  MEDIAFLOW_DOWNLOAD_TIMEOUT_MS: count(1_000, 24 * 3_600_000, 10 * 60_000, 'milliseconds'),
  /** After the response headers, the body's first byte must come within this (`input_too_slow`). */
  MEDIAFLOW_DOWNLOAD_FIRST_BYTE_TIMEOUT_MS: count(1_000, 3_600_000, 30_000, 'milliseconds'),
  /**
   * A download sending less than this over 30 s is given up (`input_too_slow`), so
   * that a source trickling bytes cannot hold an ingest slot for the whole timeout. 0: none.
   */
  MEDIAFLOW_DOWNLOAD_MIN_BYTES_PER_S: count(0, Number.MAX_SAFE_INTEGER, 1024, 'bytes per second'),
  /** Images with more pixels are `input_too_large` when probed. */
  MEDIAFLOW_MAX_INPUT_PIXELS: count(1, Number.MAX_SAFE_INTEGER, 100_000_000, 'pixels'),
});
export type VideoWorkerConfig = z.output<typeof videoWorkerConfigSchema>;
