import { MediaflowError } from '@mediaflow/contracts';
import { encodeMediaFile } from '@mediaflow/media';
import { defineTaskHandler, type KindTaskHandler } from '@mediaflow/worker-kit';
import { videoPlan } from './video-plan';

export interface VideoSettings {
  /** MEDIAFLOW_MAX_INPUT_PIXELS, for the probe of the output. */
  maxInputPixels: number;
  /** Multiplies each ffmpeg run's time limit (a slow machine); default 1. */
  timeLimitScale?: number;
}

/**
 * The `video` kind's handler: plans the transcode (every refusal before
 * ffmpeg starts), runs it with progress from ffmpeg's own output, and
 * returns the probed file. An input cut short, which ffmpeg decodes as far
 * as it goes, fails `input_unreadable`. A failure or a cancellation leaves no output.
 * Options the schema refuses are `validation_failed`, as the API says.
 */
export function videoHandler(settings: VideoSettings): KindTaskHandler<'video'> {
  return defineTaskHandler('video', { invalidOptions: 'validation_failed' }, async (context) => {
    const { signal, progress } = context;
    const plan = videoPlan(context, settings);
    const properties = await encodeMediaFile(plan.args, plan.outputPath, {
      signal,
      timeoutMs: plan.timeoutMs,
      expectedSeconds: plan.expectedSeconds,
      onPercent: progress,
      maxInputPixels: settings.maxInputPixels,
      check: (output) => {
        if (!output.has_video)
          throw new MediaflowError('input_unreadable', 'No frame of the video could be decoded');
      },
      source: plan.source,
    });
    progress(100);
    return { file: { path: plan.outputPath, filename: plan.filename, properties } };
  });
}
