import { MediaflowError } from '@mediaflow/contracts';
import {
  encodeMediaFile,
  isNormalizable,
  measureLoudness,
  outputPercent,
  type LoudnessMeasurement,
} from '@mediaflow/media';
import { defineTaskHandler, type KindTaskHandler } from '@mediaflow/worker-kit';
import { audioPlan } from './audio-plan';

export interface AudioSettings {
  /** MEDIAFLOW_MAX_INPUT_PIXELS, for the probe of the output. */
  maxInputPixels: number;
  /** Multiplies each ffmpeg run's time limit (a slow machine); default 1. */
  timeLimitScale?: number;
}

/**
 * The measuring pass's share of the progress when normalising: it only
 * decodes, so it takes less time than the encode that follows.
 */
const MEASURE_SHARE = 30;

/**
 * The `audio` kind's handler: plans the encode (every refusal before ffmpeg
 * starts), measures the loudness first when asked to normalise, encodes
 * with progress from ffmpeg's own output, and returns the probed file. An
 * input cut short, which ffmpeg decodes as far as it goes, fails
 * `input_unreadable`. A failure or a cancellation leaves no output. Options the schema refuses
 * are `validation_failed`, as the API says.
 */
export function audioHandler(settings: AudioSettings): KindTaskHandler<'audio'> {
  return defineTaskHandler('audio', { invalidOptions: 'validation_failed' }, async (context) => {
    const { signal, progress } = context;
    const plan = audioPlan(context, settings);
    let loudness: LoudnessMeasurement | undefined;
    let encodeFrom = 0;
    if (plan.normalize) {
      const measured = await measureLoudness(plan.inputPath, plan.trim, {
        signal,
        timeoutMs: plan.timeoutMs,
        onProgress: (seconds) => {
          const percent = outputPercent(seconds, plan.expectedSeconds);
          if (percent !== null) progress((percent * MEASURE_SHARE) / 100);
        },
      });
      // Silence has no loudness to bring to the target: it is encoded as it is.
      if (isNormalizable(measured)) loudness = measured;
      encodeFrom = MEASURE_SHARE;
    }
    const properties = await encodeMediaFile(plan.args(loudness), plan.outputPath, {
      signal,
      timeoutMs: plan.timeoutMs,
      expectedSeconds: plan.expectedSeconds,
      onPercent: (percent) => progress(encodeFrom + (percent * (100 - encodeFrom)) / 100),
      maxInputPixels: settings.maxInputPixels,
      check: (output) => {
        if (!output.has_audio)
          throw new MediaflowError(
            'no_audio_stream',
            'The input has no audio that could be decoded',
          );
      },
      ...(plan.source ? { source: plan.source } : {}),
    });
    progress(100);
    return { file: { path: plan.outputPath, filename: plan.filename, properties } };
  });
}
