import type { SourceText } from '../extractive/sentences';
import type { SummaryStyle } from './summary-text';

/** What a summary is of: a transcript of the media's speech, or a track's cue text. */
export interface TextToSummarise extends SourceText {
  source: 'transcript' | 'track';
  /** ISO 639-1 of the text itself, when known. */
  language?: string;
}

export interface SummaryRequest {
  maxWords: number;
  style: SummaryStyle;
  /** ISO 639-1: the language to write in. */
  language: string;
  /** Aborted on cancel or the task's timeout. */
  signal: AbortSignal;
}

/**
 * A summariser, chosen by MEDIAFLOW_SUMMARY_PROVIDER. What it answers is
 * within `maxWords` (the service holds it to that as well). A provider that
 * is down or answers garbage rejects with MediaflowError `provider_unavailable`.
 */
export interface SummaryProvider {
  /** What the task output reports, e.g. `local (textrank)` or `openai (gpt-4o-mini)`. */
  readonly name: string;
  summariseText(text: TextToSummarise, request: SummaryRequest): Promise<string>;
  /** Present when the provider can see: what a picture (a JPEG of at most 1024 px) shows. */
  describeImage?(jpeg: Buffer, request: SummaryRequest): Promise<string>;
}
