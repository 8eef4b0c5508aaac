import path from 'node:path';
import { extractSpeechAudio } from './speech-audio';
import type { SpeechProvider, Transcript } from './transcript';

export interface TranscribeMediaOptions {
  /** ISO 639-1. */
  language: string;
  signal: AbortSignal;
  /** 0..100 over extraction and recognition. */
  onProgress?: (percent: number) => void;
  /** The media's duration in seconds when known: progress during the extraction. */
  duration?: number | null;
  /** How long the extraction may take; default 30 minutes. */
  extractTimeoutMs?: number;
}

/** A transcript, and which provider made it (the `speech` kind's output reports it). */
export type MediaTranscript = Transcript & { provider: string };

/** Transcribes a media file; the workers take one as a parameter, so their tests can hand in their own. */
export type MediaTranscriber = (
  inputPath: string,
  workDir: string,
  options: TranscribeMediaOptions,
) => Promise<MediaTranscript>;

/** {@link transcribeMedia} with the given provider. */
export function mediaTranscriber(provider: SpeechProvider): MediaTranscriber {
  return (inputPath, workDir, options) => transcribeMedia(inputPath, workDir, provider, options);
}

/** Extraction reads and decodes the media once, quickly; recognition is most of the time. */
const EXTRACTION_SHARE = 10;
const DEFAULT_EXTRACT_TIMEOUT_MS = 30 * 60_000;

/**
 * The transcript of a video's or audio's speech: the audio extracted to
 * `workDir` as the 16 kHz WAV the providers take, then transcribed.
 * Rejects with `no_audio_stream` for media without sound.
 */
export async function transcribeMedia(
  inputPath: string,
  workDir: string,
  provider: SpeechProvider,
  options: TranscribeMediaOptions,
): Promise<MediaTranscript> {
  const { language, signal, onProgress, duration } = options;
  const wavPath = path.join(workDir, 'speech.wav');
  onProgress?.(0);
  await extractSpeechAudio(inputPath, wavPath, {
    signal,
    timeoutMs: options.extractTimeoutMs ?? DEFAULT_EXTRACT_TIMEOUT_MS,
    ...(onProgress && duration && duration > 0
      ? {
          onProgress: (seconds: number) =>
            onProgress(
              Math.min(EXTRACTION_SHARE, Math.floor((seconds / duration) * EXTRACTION_SHARE)),
            ),
        }
      : {}),
  });
  onProgress?.(EXTRACTION_SHARE);
  const transcript = await provider.transcribe(wavPath, {
    language,
    signal,
    ...(onProgress
      ? {
          onProgress: (percent: number) =>
            onProgress(EXTRACTION_SHARE + Math.floor((percent * (100 - EXTRACTION_SHARE)) / 100)),
        }
      : {}),
  });
  return { ...transcript, provider: provider.name };
}
