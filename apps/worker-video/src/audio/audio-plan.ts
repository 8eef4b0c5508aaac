import {
  AudioOptionsSchema,
  MediaflowError,
  type StoredFile,
  type TaskDispatch,
} from '@mediaflow/contracts';
import {
  AUDIO_EXTENSIONS,
  assertTrimWithin,
  audioArgs,
  ffmpegTimeLimitMs,
  trimmedDuration,
  type AudioOptions,
  type LoudnessMeasurement,
  type Trim,
} from '@mediaflow/media';
import path from 'node:path';

/**
 * Wall-clock seconds per second of sound an ffmpeg run may take. Audio
 * encodes at tens of times real time; from a video, most of the work is
 * reading past the picture, and a large file on a slow disk is the worst case.
 */
const AUDIO_SECONDS_PER_SECOND = 0.5;

export interface AudioPlanSettings {
  /** Multiplies the ffmpeg time limit; default 1. */
  timeLimitScale?: number;
}

/** What an `audio` task will do, decided before anything runs. */
export interface AudioPlan {
  inputPath: string;
  trim: Trim;
  /** Measure first, then apply (two-pass EBU R128). */
  normalize: boolean;
  /** The encode's arguments, given the loudness measured when normalising. */
  args(loudness?: LoudnessMeasurement): string[];
  /** Inside the work directory; a fixed name, the user's is only the stored one. */
  outputPath: string;
  filename: string;
  /** Seconds the output will last; null when the input's duration is unknown. */
  expectedSeconds: number | null;
  /** For each ffmpeg run. */
  timeoutMs: number;
}

/**
 * The `audio` kind (TASKS.md) from a dispatch: its options parsed again,
 * the input checked (a video without sound is `no_audio_stream`), and the
 * ffmpeg command prepared. Every refusal happens here, before ffmpeg starts.
 */
export function audioPlan(
  task: TaskDispatch,
  inputPath: string | null,
  workDir: string,
  settings: AudioPlanSettings = {},
): AudioPlan {
  const options = audioOptions(task.options);
  const input = audioInput(task.input, inputPath);
  const trim = { start: options.start, end: options.end };
  assertTrimWithin(trim, input.duration);

  const extension = AUDIO_EXTENSIONS[options.format ?? 'mp3'];
  const outputPath = path.join(workDir, `output.${extension}`);
  const expectedSeconds = trimmedDuration(input.duration, trim);
  return {
    inputPath: input.path,
    trim,
    normalize: options.normalize === true,
    args: (loudness) => audioArgs(input.path, outputPath, options, loudness),
    outputPath,
    filename: options.filename ?? `${task.ref ?? stem(input.filename)}.${extension}`,
    expectedSeconds,
    timeoutMs: ffmpegTimeLimitMs(
      expectedSeconds,
      AUDIO_SECONDS_PER_SECOND,
      settings.timeLimitScale,
    ),
  };
}

function audioOptions(raw: Record<string, unknown>): AudioOptions {
  const parsed = AudioOptionsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new MediaflowError(
    'validation_failed',
    'The audio options are invalid',
    parsed.error.issues.map((issue) => ({
      path: ['options', ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  );
}

interface AudioInput {
  path: string;
  filename: string;
  duration: number | null;
}

function audioInput(file: StoredFile | null, inputPath: string | null): AudioInput {
  if (!file || !inputPath) {
    throw new MediaflowError('internal', 'An audio task came without an input file');
  }
  if (file.kind !== 'video' && file.kind !== 'audio') {
    throw new MediaflowError(
      'unsupported_input',
      `Audio cannot be taken from a${file.kind === 'image' ? 'n' : ''} ${file.kind} file`,
    );
  }
  if (!file.has_audio) {
    throw new MediaflowError('no_audio_stream', 'The video has no audio stream');
  }
  if (file.duration !== null && file.duration <= 0) {
    throw new MediaflowError('input_unreadable', 'The input lasts 0 seconds: it has no sound');
  }
  return { path: inputPath, filename: file.filename, duration: file.duration };
}

/** `interview.mp4` → `interview`: the input's name, given the output's extension. */
function stem(filename: string): string {
  return path.parse(filename).name || 'audio';
}
