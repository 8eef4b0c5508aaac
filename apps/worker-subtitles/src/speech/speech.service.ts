import type { MediaTranscript } from '@mediaflow/speech';
import { assertHasSpeech, type SpeechInput, type Transcriber } from './transcriber';

export const DEFAULT_LANGUAGE = 'en';

export interface SpeechJob {
  input: SpeechInput;
  options: { language?: string };
  workDir: string;
  signal: AbortSignal;
  progress?: (percent: number) => void;
}

/** The `speech` kind (docs/task-kinds.md): the transcript with word timings, and which provider made it. */
export class SpeechService {
  constructor(private readonly transcribe: Transcriber) {}

  async transcript({
    input,
    options,
    workDir,
    signal,
    progress,
  }: SpeechJob): Promise<MediaTranscript> {
    assertHasSpeech(input, 'Transcripts');
    return this.transcribe(input.path, workDir, {
      language: options.language ?? DEFAULT_LANGUAGE,
      signal,
      duration: input.duration,
      ...(progress ? { onProgress: progress } : {}),
    });
  }
}
