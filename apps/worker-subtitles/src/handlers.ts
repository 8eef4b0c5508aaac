import { mediaTranscriber, speechProviderFrom } from '@mediaflow/speech';
import { workerHandlers, type TaskHandlers } from '@mediaflow/worker-kit';
import type { SubtitlesWorkerConfig } from './config';
import { speechHandler } from './speech/speech.handler';
import { SpeechService } from './speech/speech.service';
import type { Transcriber } from './speech/transcriber';
import { subtitlesHandler } from './subtitles/subtitles.handler';
import { SubtitlesService } from './subtitles/subtitles.service';

export interface SubtitlesHandlersOptions {
  /** The speech recogniser; the configured provider when not given. */
  transcribe?: Transcriber;
}

/** The kinds declared for this worker: `speech` and `subtitles`, both on the configured speech provider. */
export function subtitlesHandlers(
  config: SubtitlesWorkerConfig,
  options: SubtitlesHandlersOptions = {},
): TaskHandlers {
  const transcribe = options.transcribe ?? mediaTranscriber(speechProviderFrom(config));
  return workerHandlers('subtitles', {
    speech: speechHandler(new SpeechService(transcribe)),
    subtitles: subtitlesHandler(new SubtitlesService(transcribe)),
  });
}
