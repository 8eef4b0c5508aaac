import { workerConfigSchema } from '@mediaflow/worker-kit';
import { z } from 'zod';

/** The image worker's environment: every worker's, plus sharp's decode limit. */
export const imageWorkerConfigSchema = workerConfigSchema(3004).extend({
  /** Decoding more pixels than this is `input_too_large`: a decompression bomb never takes the worker down. */
  MEDIAFLOW_MAX_INPUT_PIXELS: z.coerce
    .number({ error: 'must be a number of pixels' })
    .int('must be a whole number')
    .min(1, 'must be ≥ 1')
    .max(Number.MAX_SAFE_INTEGER)
    .default(100_000_000),
});
export type ImageWorkerConfig = z.output<typeof imageWorkerConfigSchema>;
