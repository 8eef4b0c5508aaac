import { providerBaseUrl } from '@mediaflow/config';
import { z } from 'zod';
import { LocalSpeechProvider } from './local-speech-provider';
import { OpenAiSpeechProvider } from './openai-speech-provider';
import { DEBIAN_EN_US_MODEL } from './pocketsphinx-batch';
import type { SpeechProvider } from './transcript';

export const SPEECH_PROVIDERS = ['local', 'openai'] as const;
export type SpeechProviderName = (typeof SPEECH_PROVIDERS)[number];

const path = (fallback: string) => z.string().trim().min(1, 'must be a path').default(fallback);

/**
 * The speech provider's environment, for the workers that transcribe
 * (subtitles, summary) to spread into their schema, then check with
 * {@link checkSpeechEnv}: `workerConfigSchema(p).extend(speechEnv).superRefine(checkSpeechEnv)`.
 */
export const speechEnv = {
  /** `local`: pocketsphinx, offline, English. `openai`: any service speaking OpenAI's /v1/audio/transcriptions. */
  MEDIAFLOW_SPEECH_PROVIDER: z
    .enum(SPEECH_PROVIDERS, { error: `must be one of ${SPEECH_PROVIDERS.join(', ')}` })
    .default('local'),
  /** Up to the API version: `https://api.openai.com/v1`, `https://api.groq.com/openai/v1`, `http://127.0.0.1:8000/v1`. */
  MEDIAFLOW_SPEECH_BASE_URL: providerBaseUrl('MEDIAFLOW_SPEECH_API_KEY'),
  MEDIAFLOW_SPEECH_MODEL: z.string().trim().min(1, 'must name a model').default('whisper-1'),
  /** A bearer token, when the service wants one. */
  MEDIAFLOW_SPEECH_API_KEY: z.string().optional(),
  /** Each call to the openai provider is given up after this long, as `provider_unavailable` (retried). */
  MEDIAFLOW_SPEECH_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number')
    .min(1_000, 'must be ≥ 1000')
    .max(3_600_000, 'must be ≤ 3600000')
    .default(300_000),
  /** The local provider's model: Debian's pocketsphinx-en-us unless told otherwise. */
  MEDIAFLOW_SPEECH_LOCAL_HMM: path(DEBIAN_EN_US_MODEL.hmm),
  MEDIAFLOW_SPEECH_LOCAL_LM: path(DEBIAN_EN_US_MODEL.lm),
  MEDIAFLOW_SPEECH_LOCAL_DICT: path(DEBIAN_EN_US_MODEL.dict),
  /** The language of that model (ISO 639-1): what the local provider accepts. */
  MEDIAFLOW_SPEECH_LOCAL_LANGUAGE: z
    .string()
    .regex(/^[a-z]{2}$/, 'must be a two-letter ISO 639-1 code such as "en"')
    .default('en'),
  /** The pocketsphinx_batch executable, as FFMPEG_PATH is ffmpeg's. */
  POCKETSPHINX_BATCH_PATH: path('pocketsphinx_batch'),
};

export type SpeechConfig = z.output<z.ZodObject<typeof speechEnv>>;

/** The checks across variables: an openai provider needs to know where it is. */
export function checkSpeechEnv(
  config: Pick<SpeechConfig, 'MEDIAFLOW_SPEECH_PROVIDER' | 'MEDIAFLOW_SPEECH_BASE_URL'>,
  ctx: z.RefinementCtx,
): void {
  if (config.MEDIAFLOW_SPEECH_PROVIDER === 'openai' && !config.MEDIAFLOW_SPEECH_BASE_URL) {
    ctx.addIssue({
      code: 'custom',
      path: ['MEDIAFLOW_SPEECH_BASE_URL'],
      message:
        'must be set when MEDIAFLOW_SPEECH_PROVIDER is openai (e.g. https://api.openai.com/v1)',
    });
  }
}

/** {@link speechEnv} on its own, checked. */
export const speechConfigSchema = z.object(speechEnv).superRefine(checkSpeechEnv);

/** The provider the configuration names. */
export function speechProviderFrom(config: SpeechConfig): SpeechProvider {
  if (config.MEDIAFLOW_SPEECH_PROVIDER === 'openai') {
    if (!config.MEDIAFLOW_SPEECH_BASE_URL) {
      throw new Error(
        'MEDIAFLOW_SPEECH_BASE_URL must be set when MEDIAFLOW_SPEECH_PROVIDER is openai',
      );
    }
    return new OpenAiSpeechProvider({
      baseUrl: config.MEDIAFLOW_SPEECH_BASE_URL,
      model: config.MEDIAFLOW_SPEECH_MODEL,
      ...(config.MEDIAFLOW_SPEECH_API_KEY ? { apiKey: config.MEDIAFLOW_SPEECH_API_KEY } : {}),
      timeoutMs: config.MEDIAFLOW_SPEECH_TIMEOUT_MS,
    });
  }
  return new LocalSpeechProvider({
    binary: config.POCKETSPHINX_BATCH_PATH,
    model: {
      hmm: config.MEDIAFLOW_SPEECH_LOCAL_HMM,
      lm: config.MEDIAFLOW_SPEECH_LOCAL_LM,
      dict: config.MEDIAFLOW_SPEECH_LOCAL_DICT,
    },
    language: config.MEDIAFLOW_SPEECH_LOCAL_LANGUAGE,
  });
}
