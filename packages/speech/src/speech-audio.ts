import { MediaflowError } from '@mediaflow/contracts';
import { mediaInputArgs, runFfmpeg } from '@mediaflow/media';
import { SPEECH_SAMPLE_RATE } from './wav-format';

/**
 * The ffmpeg arguments that make the recognisers' audio of a media file:
 * its first audio stream, down-mixed to mono, resampled to 16 kHz, as 16-bit
 * PCM in a WAV with no metadata (a plain 44-byte header). Pure.
 */
export function speechAudioArgs(inputPath: string, outputWavPath: string): string[] {
  return [
    ...mediaInputArgs(inputPath),
    '-map',
    '0:a:0',
    '-vn',
    '-sn',
    '-dn',
    '-ac',
    '1',
    '-ar',
    String(SPEECH_SAMPLE_RATE),
    '-c:a',
    'pcm_s16le',
    '-map_metadata',
    '-1',
    '-fflags',
    '+bitexact',
    '-flags:a',
    '+bitexact',
    '-f',
    'wav',
    '-y',
    outputWavPath,
  ];
}

export interface ExtractSpeechAudioOptions {
  signal: AbortSignal;
  timeoutMs: number;
  /** Seconds of audio written so far. */
  onProgress?: (seconds: number) => void;
}

/**
 * Writes the media's speech audio as a 16 kHz mono 16-bit WAV, what every
 * provider transcribes. A file with no audio stream is `no_audio_stream`.
 */
export async function extractSpeechAudio(
  inputPath: string,
  outputWavPath: string,
  options: ExtractSpeechAudioOptions,
): Promise<void> {
  try {
    await runFfmpeg(speechAudioArgs(inputPath, outputWavPath), {
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } catch (error) {
    // ffmpeg's own words for a map that finds nothing: "Stream map '0:a:0' matches no streams."
    if (error instanceof MediaflowError && /matches no streams/.test(error.message)) {
      throw new MediaflowError('no_audio_stream', 'The input has no audio stream to transcribe');
    }
    throw error;
  }
}
