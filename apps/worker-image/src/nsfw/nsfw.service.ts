import { MediaflowError, type FileKind } from '@mediaflow/contracts';
import path from 'node:path';
import { frameTimes } from './frame-times';
import {
  nsfwVerdict,
  roundScores,
  worstFrame,
  type NsfwScores,
  type NsfwVerdict,
} from './nsfw-verdict';

export const DEFAULT_FRAMES = 8;
export const DEFAULT_THRESHOLD = 0.7;

/** The tools the service decides between; the real ones run sharp, ffmpeg and the model. */
export interface NsfwTools {
  /** The model's scores for an image file, decoded under the worker's pixel limit. */
  classifyImage(file: string): Promise<NsfwScores>;
  /** Writes the video's frame at `atSeconds` to `output` as a PNG. */
  sampleFrame(input: string, output: string, atSeconds: number, signal: AbortSignal): Promise<void>;
}

export interface NsfwJob {
  input: { path: string; kind: FileKind; duration: number | null };
  options: { frames?: number; threshold?: number };
  workDir: string;
  signal: AbortSignal;
  /** 0..100, as frames are classified. */
  progress?: (percent: number) => void;
}

/** One sampled frame of a video: when, and what the model saw. */
export interface NsfwFrame {
  time: number;
  scores: NsfwScores;
}

/**
 * The output data (docs/task-kinds.md). `frames` is always there, so its shape never
 * depends on the input: each sampled frame of a video in time order, and
 * empty for an image, whose one picture is the top-level answer.
 */
export interface NsfwResult extends NsfwVerdict {
  frames: NsfwFrame[];
}

/** The `nsfw` kind (docs/task-kinds.md): an image, or a video's worst sampled frame, against the threshold. */
export class NsfwService {
  constructor(private readonly tools: NsfwTools) {}

  async classify({ input, options, workDir, signal, progress }: NsfwJob): Promise<NsfwResult> {
    const threshold = options.threshold ?? DEFAULT_THRESHOLD;
    if (input.kind === 'image') {
      const scores = await this.tools.classifyImage(input.path);
      throwIfAborted(signal);
      return { ...nsfwVerdict(scores, threshold), frames: [] };
    }
    if (input.kind !== 'video') {
      throw new MediaflowError(
        'unsupported_input',
        `NSFW detection takes an image or a video, not a${input.kind === 'audio' ? 'n' : ''} ${input.kind} file`,
      );
    }

    const times = frameTimes(input.duration, options.frames ?? DEFAULT_FRAMES);
    const frames: NsfwFrame[] = [];
    for (const [i, time] of times.entries()) {
      // One frame after another: progress and cancellation between them, one ffmpeg at a time.
      const file = path.join(workDir, `frame-${i}.png`);
      await this.tools.sampleFrame(input.path, file, time, signal);
      throwIfAborted(signal);
      frames.push({ time, scores: await this.tools.classifyImage(file) });
      throwIfAborted(signal);
      progress?.(Math.round(((i + 1) * 100) / times.length));
    }
    const worst = frames[worstFrame(frames.map((frame) => frame.scores))]!;
    return {
      ...nsfwVerdict(worst.scores, threshold),
      frames: frames.map(({ time, scores }) => ({ time, scores: roundScores(scores) })),
    };
  }
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted)
    throw signal.reason instanceof Error
      ? signal.reason
      : new MediaflowError('cancelled', 'The task was cancelled');
}
