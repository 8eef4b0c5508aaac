/**
 * The transcript every speech provider makes: the `speech` kind's output
 * data (docs/task-kinds.md), and what `subtitles` and `summary` are made from.
 * Times are seconds from the start of the media.
 */
export interface TranscriptWord {
  word: string;
  start: number;
  end: number;
  /** 0..1 when the provider says. */
  confidence?: number;
}

export interface TranscriptSegment {
  start: number;
  end: number;
  text: string;
  words: TranscriptWord[];
}

export interface Transcript {
  /** ISO 639-1. */
  language: string;
  text: string;
  segments: TranscriptSegment[];
}

export interface TranscribeOptions {
  /** ISO 639-1, as the task asked. */
  language: string;
  /** Aborted on cancel or the task's timeout: stop the recogniser or the request. */
  signal: AbortSignal;
  /** 0..100 of this transcription. */
  onProgress?: (percent: number) => void;
}

/** A speech-to-text provider, chosen by MEDIAFLOW_SPEECH_PROVIDER. */
export interface SpeechProvider {
  /** What the task output reports, e.g. `local (pocketsphinx en-us)` or `openai (whisper-1)`. */
  readonly name: string;
  /**
   * Transcribes a 16 kHz mono 16-bit WAV file. A provider that is down or
   * answers garbage rejects with MediaflowError `provider_unavailable`.
   */
  transcribe(wavPath: string, options: TranscribeOptions): Promise<Transcript>;
}
