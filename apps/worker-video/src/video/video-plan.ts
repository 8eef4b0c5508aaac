import { MediaflowError, type StoredFile } from '@mediaflow/contracts';
import {
  AV1_MIN_DIMENSION,
  ENCODE_SECONDS_PER_SECOND,
  assertTrimWithin,
  defaultVideoCodec,
  ffmpegTimeLimitMs,
  trimmedDuration,
  type EncodeSource,
  videoGeometry,
  videoTranscodeArgs,
} from '@mediaflow/media';
import type { KindTaskContext } from '@mediaflow/worker-kit';
import path from 'node:path';

export interface VideoPlanSettings {
  /** Multiplies the ffmpeg time limit; default 1. */
  timeLimitScale?: number;
}

/** What a `video` task will do, decided before anything runs. */
export interface VideoPlan {
  args: string[];
  /** Inside the work directory; a fixed name, the user's is only the stored one. */
  outputPath: string;
  filename: string;
  /** Seconds the output will last. */
  expectedSeconds: number;
  timeoutMs: number;
  /** The input, to tell an output that came out short because the file is cut short. */
  source: EncodeSource;
}

/** What the plan reads of a `video` task: its parsed options and its input. */
export type VideoTask = Pick<
  KindTaskContext<'video'>,
  'task' | 'options' | 'input' | 'inputPath' | 'workDir'
>;

/**
 * The `video` kind (docs/task-kinds.md) from a parsed dispatch: the input checked and
 * the ffmpeg command built. Every refusal happens here, before ffmpeg starts.
 */
export function videoPlan(
  { task, options, input: file, inputPath, workDir }: VideoTask,
  settings: VideoPlanSettings = {},
): VideoPlan {
  const input = videoInput(file, inputPath);
  const trim = { start: options.start, end: options.end };
  assertTrimWithin(trim, input.duration);

  const format = options.format ?? 'mp4';
  const codec = options.codec ?? defaultVideoCodec(format);
  if (codec === 'av1') {
    const frame = videoGeometry(input, {
      width: options.width,
      height: options.height,
      fit: options.fit ?? 'contain',
    });
    if (frame.width < AV1_MIN_DIMENSION || frame.height < AV1_MIN_DIMENSION) {
      throw new MediaflowError(
        'unsupported_input',
        `AV1 needs a picture of at least ${AV1_MIN_DIMENSION}×${AV1_MIN_DIMENSION} pixels; ` +
          `this ${input.width}×${input.height} video would be ${frame.width}×${frame.height}`,
      );
    }
  }

  const outputPath = path.join(workDir, `output.${format}`);
  const expectedSeconds = trimmedDuration(input.duration, trim)!;
  return {
    args: videoTranscodeArgs(input.path, outputPath, options, input),
    outputPath,
    filename: options.filename ?? `${task.ref ?? stem(input.filename)}.${format}`,
    expectedSeconds,
    timeoutMs: ffmpegTimeLimitMs(
      expectedSeconds,
      ENCODE_SECONDS_PER_SECOND[codec],
      settings.timeLimitScale,
    ),
    source: {
      path: input.path,
      declaredSeconds: input.duration,
      ranged: expectedSeconds < input.duration,
    },
  };
}

interface VideoInput {
  path: string;
  filename: string;
  width: number;
  height: number;
  duration: number;
  has_audio: boolean;
}

function videoInput(file: StoredFile, inputPath: string): VideoInput {
  if (file.kind !== 'video' || !file.has_video) {
    throw new MediaflowError(
      'unsupported_input',
      `A video cannot be made from a${file.kind === 'audio' || file.kind === 'image' ? 'n' : ''} ${file.kind} file`,
    );
  }
  // Ingest's prober gives every video a positive duration and a size; a record without is no video to decode.
  if (!(file.duration !== null && file.duration > 0)) {
    throw new MediaflowError(
      'input_unreadable',
      'The video lasts 0 seconds: it has no frame to transcode',
    );
  }
  if (!file.width || !file.height) {
    throw new MediaflowError('input_unreadable', 'The video has no picture size');
  }
  return {
    path: inputPath,
    filename: file.filename,
    width: file.width,
    height: file.height,
    duration: file.duration,
    has_audio: file.has_audio,
  };
}

/** `holiday.mov` → `holiday`: the input's name, given the output's extension. */
function stem(filename: string): string {
  return path.parse(filename).name || 'video';
}
