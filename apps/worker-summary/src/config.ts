import { providerBaseUrl } from '@mediaflow/config';
import { checkSpeechEnv, speechEnv } from '@mediaflow/speech';
import { workerConfigSchema } from '@mediaflow/worker-kit';
import { z } from 'zod';

export const SUMMARY_PROVIDERS = ['local', 'openai'] as const;
export type SummaryProviderName = (typeof SUMMARY_PROVIDERS)[number];

/**
 * The summary worker's environment: every worker's, the speech provider's
 * (it transcribes videos and audio itself), the summary provider's and
 * sharp's decode limit.
 */
export const summaryWorkerConfigSchema = workerConfigSchema(3006)
  .extend({
    ...speechEnv,
    /** `local`: extractive summaries (TextRank), no network. `openai`: any OpenAI-compatible chat completions service. */
    MEDIAFLOW_SUMMARY_PROVIDER: z
      .enum(SUMMARY_PROVIDERS, { error: `must be one of ${SUMMARY_PROVIDERS.join(', ')}` })
      .default('local'),
    /** Up to the API version, as OpenAI's SDKs take it: `https://api.openai.com/v1`, Ollama's `http://127.0.0.1:11434/v1`. */
    MEDIAFLOW_SUMMARY_BASE_URL: providerBaseUrl('MEDIAFLOW_SUMMARY_API_KEY'),
    MEDIAFLOW_SUMMARY_MODEL: z.string().trim().min(1, 'must name a model').default('gpt-4o-mini'),
    /** A bearer token, when the service wants one. */
    MEDIAFLOW_SUMMARY_API_KEY: z.string().optional(),
    /** Each call to the provider is given up after this long, as `provider_unavailable` (retried). */
    MEDIAFLOW_SUMMARY_TIMEOUT_MS: z.coerce
      .number({ error: 'must be a number of milliseconds' })
      .int('must be a whole number')
      .min(1_000, 'must be ≥ 1000')
      .max(3_600_000, 'must be ≤ 3600000')
      .default(120_000),
    /** Whether the model accepts images: then pictures are described by it, not by their measured properties. */
    MEDIAFLOW_SUMMARY_VISION: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .default('false')
      .transform((value) => value === 'true'),
    /** Decoding more pixels than this is `input_too_large`: a decompression bomb never takes the worker down. */
    MEDIAFLOW_MAX_INPUT_PIXELS: z.coerce
      .number({ error: 'must be a number of pixels' })
      .int('must be a whole number')
      .min(1, 'must be ≥ 1')
      .max(Number.MAX_SAFE_INTEGER)
      .default(100_000_000),
  })
  .superRefine((config, ctx) => {
    checkSpeechEnv(config, ctx);
    if (config.MEDIAFLOW_SUMMARY_PROVIDER === 'openai' && !config.MEDIAFLOW_SUMMARY_BASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['MEDIAFLOW_SUMMARY_BASE_URL'],
        message:
          'must be set when MEDIAFLOW_SUMMARY_PROVIDER is openai (e.g. https://api.openai.com/v1)',
      });
    }
  });
export type SummaryWorkerConfig = z.output<typeof summaryWorkerConfigSchema>;
