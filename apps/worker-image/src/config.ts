import { workerConfigSchema } from '@mediaflow/worker-kit';
import { z } from 'zod';
import { NSFW_BACKENDS } from './nsfw/nsfw-backends';
import { NSFW_MODEL_NAMES } from './nsfw/nsfw-models';

/** The image worker's environment: every worker's, plus sharp's decode limit and the NSFW model. */
export const imageWorkerConfigSchema = workerConfigSchema(3004).extend({
  /** Decoding more pixels than this is `input_too_large`: a decompression bomb never takes the worker down. */
  MEDIAFLOW_MAX_INPUT_PIXELS: z.coerce
    .number({ error: 'must be a number of pixels' })
    .int('must be a whole number')
    .min(1, 'must be ≥ 1')
    .max(Number.MAX_SAFE_INTEGER)
    .default(100_000_000),
  /** The TensorFlow.js backend the NSFW model runs on: `wasm`, measured fastest here (bench:nsfw), or `cpu` (pure JS). */
  MEDIAFLOW_NSFW_BACKEND: z
    .enum(NSFW_BACKENDS, { error: `must be one of ${NSFW_BACKENDS.join(', ')}` })
    .default('wasm'),
  /** Which of the models bundled with nsfwjs classifies. */
  MEDIAFLOW_NSFW_MODEL: z
    .enum(NSFW_MODEL_NAMES, { error: `must be one of ${NSFW_MODEL_NAMES.join(', ')}` })
    .default('mobilenet_v2_mid'),
});
export type ImageWorkerConfig = z.output<typeof imageWorkerConfigSchema>;
