import { mediaTranscriber, speechProviderFrom, type SpeechConfig } from '@mediaflow/speech';
import { workerHandlers, type TaskHandlers } from '@mediaflow/worker-kit';
import type { SummaryWorkerConfig } from './config';
import { LocalSummaryProvider } from './extractive/local-summary-provider';
import { ImageRepository } from './image/image.repository';
import { OpenAiSummaryProvider } from './openai/openai-summary-provider';
import type { SummaryProvider } from './summary/summary-provider';
import { summaryHandler } from './summary/summary.handler';
import { SummaryService, type Transcriber } from './summary/summary.service';
import { readTrackFile } from './track/track-file';

export interface SummaryHandlersOptions {
  /** The speech recogniser; the configured one when not given. */
  transcribe?: Transcriber;
}

/** The kind declared for this worker: `summary`. */
export function summaryHandlers(
  config: SummaryWorkerConfig,
  options: SummaryHandlersOptions = {},
): TaskHandlers {
  const images = new ImageRepository(config.MEDIAFLOW_MAX_INPUT_PIXELS);
  const service = new SummaryService(summaryProvider(config), {
    transcribe: options.transcribe ?? speechTranscriber(config),
    readTrack: (file) => readTrackFile(file),
    measureImage: (file) => images.measure(file),
    visionJpeg: (file) => images.visionJpeg(file),
  });
  return workerHandlers('summary', { summary: summaryHandler(service) });
}

/** The summary provider MEDIAFLOW_SUMMARY_PROVIDER names. */
export function summaryProvider(config: SummaryWorkerConfig): SummaryProvider {
  if (config.MEDIAFLOW_SUMMARY_PROVIDER === 'local') return new LocalSummaryProvider();
  if (!config.MEDIAFLOW_SUMMARY_BASE_URL) {
    // The config schema refuses this; a config made by hand may not.
    throw new Error(
      'MEDIAFLOW_SUMMARY_BASE_URL must be set when MEDIAFLOW_SUMMARY_PROVIDER is openai',
    );
  }
  return new OpenAiSummaryProvider({
    baseUrl: config.MEDIAFLOW_SUMMARY_BASE_URL,
    model: config.MEDIAFLOW_SUMMARY_MODEL,
    ...(config.MEDIAFLOW_SUMMARY_API_KEY ? { apiKey: config.MEDIAFLOW_SUMMARY_API_KEY } : {}),
    timeoutMs: config.MEDIAFLOW_SUMMARY_TIMEOUT_MS,
    vision: config.MEDIAFLOW_SUMMARY_VISION,
  });
}

/** The speech provider MEDIAFLOW_SPEECH_PROVIDER names, transcribing the task's media. */
export function speechTranscriber(config: SpeechConfig): Transcriber {
  return mediaTranscriber(speechProviderFrom(config));
}
