import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { runFixtureFfmpeg } from './media-fixtures';

const execFileAsync = promisify(execFile);

/**
 * Speech for tests and benchmarks, made by the tests (no binary in git):
 * espeak-ng's synthetic voice, and the LibriVox recordings Debian's
 * pocketsphinx-testdata ships with their reference transcriptions.
 */

export interface SpeechMediaOptions {
  /** Silence before the speech, in seconds; default 1 (media rarely starts on a word). */
  leadSeconds?: number;
  /** Silence after it; default 1. */
  tailSeconds?: number;
  /** A testsrc2 picture as well, muxed with the speech; default true. */
  video?: boolean;
  /** Default `en-us+klatt`. */
  voice?: string;
  /** Default 130. */
  wordsPerMinute?: number;
}

/**
 * espeak-ng's Klatt voice at 130 words a minute: of the voices tried, the
 * one pocketsphinx's en-us model hears best (its default voice came out
 * nearly unrecognised).
 */
export const FIXTURE_VOICE = 'en-us+klatt';

/** Speaks `text` into a WAV file with espeak-ng (22.05 kHz mono). */
export async function synthesizeSpeech(
  text: string,
  wavPath: string,
  options: Pick<SpeechMediaOptions, 'voice' | 'wordsPerMinute'> = {},
): Promise<void> {
  await execFileAsync(
    'espeak-ng',
    [
      '-v',
      options.voice ?? FIXTURE_VOICE,
      '-s',
      String(options.wordsPerMinute ?? 130),
      '-w',
      wavPath,
      text,
    ],
    { timeout: 60_000 },
  );
}

/**
 * A media file of `text` spoken between silences: a video (testsrc2, H.264
 * + AAC for .mp4) or, with `video: false`, audio in the format the
 * extension names. Returns its duration in seconds.
 */
export async function createSpeechMedia(
  outputPath: string,
  text: string,
  options: SpeechMediaOptions = {},
): Promise<number> {
  const { leadSeconds = 1, tailSeconds = 1, video = true } = options;
  const speech = `${outputPath}.speech.wav`;
  await synthesizeSpeech(text, speech, options);
  const spoken = await wavSeconds(speech);
  const duration = Math.round((leadSeconds + spoken + tailSeconds) * 1000) / 1000;
  const audio = `[${video ? 1 : 0}:a]adelay=${Math.round(leadSeconds * 1000)}:all=1,apad=whole_dur=${duration}[a]`;
  const args = video
    ? ['-f', 'lavfi', '-i', `testsrc2=size=320x240:rate=25:duration=${duration}`, '-i', speech]
    : ['-i', speech];
  args.push('-filter_complex', audio, ...(video ? ['-map', '0:v'] : []), '-map', '[a]');
  if (video) args.push('-pix_fmt', 'yuv420p', '-preset', 'ultrafast');
  args.push('-t', String(duration), '-y', outputPath);
  try {
    await runFixtureFfmpeg(args);
  } finally {
    await rm(speech, { force: true });
  }
  return duration;
}

async function wavSeconds(wavPath: string): Promise<number> {
  const bytes = await readFile(wavPath);
  // espeak-ng writes a plain 44-byte header: rate at 24, data size at 40, 16-bit mono.
  return bytes.readUInt32LE(40) / 2 / bytes.readUInt32LE(24);
}

/** Where pocketsphinx-testdata (apt) puts its LibriVox recordings. */
export const LIBRIVOX_DIR = '/usr/share/pocketsphinx/test/data/librivox';

/** A recording of human speech and what was said. */
export interface ReferenceRecording {
  id: string;
  /** 16 kHz mono 16-bit WAV. */
  wavPath: string;
  reference: string;
}

/**
 * The LibriVox recordings of pocketsphinx-testdata (five sentences of Sense
 * and Sensibility read by one speaker, 24.7 s in all), with the reference
 * transcriptions from its `transcription` file.
 */
export async function librivoxRecordings(dir = LIBRIVOX_DIR): Promise<ReferenceRecording[]> {
  const lines = (await readFile(path.join(dir, 'transcription'), 'utf8')).split('\n');
  return lines.flatMap((line) => {
    // `<s> words </s> (file-id)`
    const match = /^(.*)\(([^()]+)\)\s*$/.exec(line.trim());
    if (!match) return [];
    const reference = match[1]!
      .replace(/<\/?s>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return [{ id: match[2]!, wavPath: path.join(dir, `${match[2]}.wav`), reference }];
  });
}
