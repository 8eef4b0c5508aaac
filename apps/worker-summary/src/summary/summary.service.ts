import { MediaflowError, type FileKind } from '@mediaflow/contracts';
import type { TranscribeMediaOptions, Transcript } from '@mediaflow/speech';
import type { TimedText } from '../extractive/sentences';
import { describeImageProperties, type ImageMeasurements } from '../image/image-description';
import { trackText } from '../track/track-text';
import type { SummaryProvider, SummaryRequest, TextToSummarise } from './summary-provider';
import {
  countWords,
  fitSentences,
  formatSummary,
  limitWords,
  type SummaryStyle,
} from './summary-text';

export const DEFAULT_MAX_WORDS = 60;
export const DEFAULT_LANGUAGE = 'en';
/** Who describes a picture when no provider can see it. */
export const PROPERTIES_PROVIDER = 'local (image properties)';

export type SummarySource = 'transcript' | 'track' | 'vision' | 'properties';

/** The output data (docs/task-kinds.md). */
export interface SummaryResult {
  summary: string;
  source: SummarySource;
  provider: string;
}

/** A transcript of the media's speech, and which recogniser made it (when it says). */
export type Transcriber = (
  inputPath: string,
  workDir: string,
  options: TranscribeMediaOptions,
) => Promise<Transcript & { provider?: string }>;

/** The tools the service decides between; the real ones run the recogniser, the file system and sharp. */
export interface SummaryTools {
  transcribe: Transcriber;
  /** A track file's text. */
  readTrack(file: string): Promise<string>;
  measureImage(file: string): Promise<ImageMeasurements>;
  /** The picture as a JPEG of at most 1024 px, for a provider that can see. */
  visionJpeg(file: string): Promise<Buffer>;
}

export interface SummaryJob {
  input: {
    path: string;
    kind: FileKind;
    hasAudio: boolean;
    language: string | null;
    duration: number | null;
  };
  options: { max_words?: number; style?: SummaryStyle; language?: string };
  workDir: string;
  signal: AbortSignal;
  /** 0..100, as the speech is transcribed. */
  progress?: (percent: number) => void;
}

/**
 * The `summary` kind (docs/task-kinds.md): what a video or audio says (its
 * transcript), what a track's cues say, what a picture shows (a provider
 * that can see) or else what can be measured of it. Nothing to summarise
 * (no audio track, no speech, an empty track) is said plainly in the
 * summary rather than failed.
 */
export class SummaryService {
  constructor(
    private readonly provider: SummaryProvider,
    private readonly tools: SummaryTools,
  ) {}

  async summarise(job: SummaryJob): Promise<SummaryResult> {
    switch (job.input.kind) {
      case 'video':
      case 'audio':
        return this.summariseSpeech(job);
      case 'track':
        return this.summariseTrack(job);
      case 'image':
        return this.summariseImage(job);
      default:
        throw new MediaflowError(
          'unsupported_input',
          `A summary is made of a video, an audio, an image or a track, not a ${job.input.kind} file`,
        );
    }
  }

  private async summariseSpeech(job: SummaryJob): Promise<SummaryResult> {
    const { input, options, signal } = job;
    const noAudio = () =>
      this.plain(job, 'transcript', [`No speech: the ${input.kind} has no audio track.`]);
    if (!input.hasAudio) return noAudio();

    let transcript: Transcript & { provider?: string };
    try {
      transcript = await this.tools.transcribe(input.path, job.workDir, {
        language: options.language ?? input.language ?? DEFAULT_LANGUAGE,
        signal,
        duration: input.duration,
        // Recognising is nearly all of the work.
        onProgress: (percent) => job.progress?.(Math.round(percent * 0.95)),
      });
    } catch (error) {
      if (error instanceof MediaflowError && error.code === 'no_audio_stream') return noAudio();
      throw error;
    }
    throwIfAborted(signal);
    if (countWords(transcript.text) === 0) {
      return this.plain(job, 'transcript', [
        `No speech was found in the ${input.kind}.`,
        ...(transcript.provider ? [`Speech recognition: ${transcript.provider}.`] : []),
      ]);
    }
    return this.summariseText(job, {
      source: 'transcript',
      text: transcript.text,
      timed: timedPieces(transcript),
      language: transcript.language,
    });
  }

  private async summariseTrack(job: SummaryJob): Promise<SummaryResult> {
    const { text, cues } = trackText(await this.tools.readTrack(job.input.path));
    throwIfAborted(job.signal);
    if (countWords(text) === 0)
      return this.plain(job, 'track', ['The track has no text to summarise.']);
    return this.summariseText(job, {
      source: 'track',
      text,
      timed: cues,
      ...(job.input.language ? { language: job.input.language } : {}),
    });
  }

  private async summariseImage(job: SummaryJob): Promise<SummaryResult> {
    const { maxWords, style } = settings(job);
    if (this.provider.describeImage) {
      const jpeg = await this.tools.visionJpeg(job.input.path);
      throwIfAborted(job.signal);
      const said = await this.provider.describeImage(jpeg, this.request(job, undefined));
      return {
        summary: limitWords(said, maxWords),
        source: 'vision',
        provider: this.provider.name,
      };
    }
    const measured = await this.tools.measureImage(job.input.path);
    return {
      summary: describeImageProperties(measured, { maxWords, style }),
      source: 'properties',
      provider: PROPERTIES_PROVIDER,
    };
  }

  private async summariseText(job: SummaryJob, text: TextToSummarise): Promise<SummaryResult> {
    const request = this.request(job, text.language);
    const said = await this.provider.summariseText(text, request);
    throwIfAborted(job.signal);
    // Held to max_words whoever wrote it.
    return {
      summary: limitWords(said, request.maxWords),
      source: text.source,
      provider: this.provider.name,
    };
  }

  /** A summary that says there is nothing to summarise, and why. */
  private plain(job: SummaryJob, source: SummarySource, sentences: string[]): SummaryResult {
    const { maxWords, style } = settings(job);
    return {
      summary: formatSummary(fitSentences(sentences, maxWords), style),
      source,
      provider: this.provider.name,
    };
  }

  private request(job: SummaryJob, textLanguage: string | undefined): SummaryRequest {
    return {
      ...settings(job),
      language: job.options.language ?? textLanguage ?? DEFAULT_LANGUAGE,
      signal: job.signal,
    };
  }
}

function settings(job: SummaryJob): { maxWords: number; style: SummaryStyle } {
  return {
    maxWords: job.options.max_words ?? DEFAULT_MAX_WORDS,
    style: job.options.style ?? 'paragraph',
  };
}

/** The transcript's words with their times when it has them, else its segments: their pauses cut unpunctuated speech. */
function timedPieces(transcript: Transcript): TimedText[] {
  const withWords = transcript.segments.every((segment) => segment.words.length > 0);
  if (withWords && transcript.segments.length > 0)
    return transcript.segments.flatMap((segment) =>
      segment.words.map((word) => ({ start: word.start, end: word.end, text: word.word })),
    );
  return transcript.segments.map(({ start, end, text }) => ({ start, end, text }));
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted)
    throw signal.reason instanceof Error
      ? signal.reason
      : new MediaflowError('cancelled', 'The task was cancelled');
}
