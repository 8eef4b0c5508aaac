import { MediaflowError, type StoredFile } from '@mediaflow/contracts';
import {
  AUDIO_EXTENSIONS,
  assertTrimWithin,
  audioArgs,
  ffmpegTimeLimitMs,
  trimmedDuration,
  type EncodeSource,
  type LoudnessMeasurement,
  type Trim,
} from '@mediaflow/media';
import type { KindTaskContext } from '@mediaflow/worker-kit';
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
  /** The input, to tell an output that came out short because the file is cut short; null when its duration is unknown. */
  source: EncodeSource | null;
}

/** What the plan reads of an `audio` task: its parsed options and its input. */
export type AudioTask = Pick<
  KindTaskContext<'audio'>,
  'task' | 'options' | 'input' | 'inputPath' | 'workDir'
>;

/**
 * The `audio` kind (docs/task-kinds.md) from a parsed dispatch: the input checked (a
 * video without sound is `no_audio_stream`) and the ffmpeg command
 * prepared. Every refusal happens here, before ffmpeg starts.
 */
export function audioPlan(
  { task, options, input: file, inputPath, workDir }: AudioTask,
  settings: AudioPlanSettings = {},
): AudioPlan {
  const input = audioInput(file, inputPath);
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
    source:
      input.duration === null || expectedSeconds === null
        ? null
        : {
            path: input.path,
            declaredSeconds: input.duration,
            ranged: expectedSeconds < input.duration,
          },
  };
}

interface AudioInput {
  path: string;
  filename: string;
  duration: number | null;
}

function audioInput(file: StoredFile, inputPath: string): AudioInput {
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
