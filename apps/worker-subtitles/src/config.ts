import { checkSpeechEnv, speechEnv } from '@mediaflow/speech';
import { workerConfigSchema } from '@mediaflow/worker-kit';
import type { z } from 'zod';

/** The subtitles worker's environment: every worker's, plus the speech provider's (MEDIAFLOW_SPEECH_*). */
export const subtitlesWorkerConfigSchema = workerConfigSchema(3005)
  .extend(speechEnv)
  .superRefine(checkSpeechEnv);
export type SubtitlesWorkerConfig = z.output<typeof subtitlesWorkerConfigSchema>;
