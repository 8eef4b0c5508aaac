export {
  SUMMARY_WORKER_SERVICE,
  startSummaryWorker,
  type StartSummaryWorkerOptions,
} from './bootstrap';
export {
  SUMMARY_PROVIDERS,
  summaryWorkerConfigSchema,
  type SummaryProviderName,
  type SummaryWorkerConfig,
} from './config';
export {
  speechTranscriber,
  summaryHandlers,
  summaryProvider,
  type SummaryHandlersOptions,
} from './handlers';
export { extractiveSummary, type ExtractiveOptions } from './extractive/extractive-summary';
export { LocalSummaryProvider } from './extractive/local-summary-provider';
export {
  pseudoSentences,
  sentencesOf,
  splitSentences,
  type SourceText,
  type TimedText,
} from './extractive/sentences';
export { rankSentences, textRankScores } from './extractive/textrank';
export { colourName, dominantColours, type ColourShare, type Rgb } from './image/colour-names';
export {
  aspectRatio,
  describeImageProperties,
  orientation,
  type ImageMeasurements,
} from './image/image-description';
export {
  OpenAiSummaryProvider,
  completionsUrl,
  type OpenAiSummarySettings,
} from './openai/openai-summary-provider';
export type { SummaryProvider, SummaryRequest, TextToSummarise } from './summary/summary-provider';
export { countWords, limitWords, type SummaryStyle } from './summary/summary-text';
export {
  SummaryService,
  type SummaryResult,
  type SummarySource,
  type Transcriber,
} from './summary/summary.service';
export { trackText, type TrackText } from './track/track-text';
