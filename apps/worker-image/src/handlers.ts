import { MAX_OUTPUT_PIXELS } from '@mediaflow/contracts';
import { grabFrame, probeMedia } from '@mediaflow/media';
import { workerHandlers, type TaskHandlers } from '@mediaflow/worker-kit';
import type { ImageWorkerConfig } from './config';
import { imageHandler } from './image/image.handler';
import { ImageRepository } from './image/image.repository';
import { ImageService } from './image/image.service';
import { decodeModelInput } from './nsfw/model-input';
import { NsfwClassifier } from './nsfw/nsfw-classifier';
import { nsfwHandler } from './nsfw/nsfw.handler';
import { NsfwService } from './nsfw/nsfw.service';
import { sampleFrame } from './nsfw/video-frames';

export interface ImageHandlersOptions {
  /** The worker's one classifier; made from the config when not given (a test passes its own to count loads). */
  nsfwClassifier?: NsfwClassifier;
}

/** The kinds declared for this worker: `image` and `nsfw`. */
export function imageHandlers(
  config: ImageWorkerConfig,
  options: ImageHandlersOptions = {},
): TaskHandlers {
  const maxInputPixels = config.MEDIAFLOW_MAX_INPUT_PIXELS;
  const images = new ImageRepository(maxInputPixels);
  const service = new ImageService({
    inspect: (input) => images.inspect(input),
    render: (input, output, plan, signal) => images.render(input, output, plan, signal),
    grabFrame: (input, output, options) => grabFrame(input, output, options),
    // What it made is read back under the output limit, which validation holds
    // requested sizes to, or the input's, which bounds a resize that never enlarges.
    probe: (file) =>
      probeMedia(file, { maxInputPixels: Math.max(maxInputPixels, MAX_OUTPUT_PIXELS) }),
  });

  // One per worker: the model loads on its first picture and stays.
  const classifier = options.nsfwClassifier ?? nsfwClassifier(config);
  const nsfw = new NsfwService({
    classifyImage: async (file) =>
      classifier.classify(await decodeModelInput(file, classifier.inputSize, maxInputPixels)),
    sampleFrame: (input, output, atSeconds, signal) =>
      sampleFrame(input, output, atSeconds, { size: classifier.inputSize, signal }),
  });
  return workerHandlers('image', { image: imageHandler(service), nsfw: nsfwHandler(nsfw) });
}

/** The classifier the config asks for. */
export function nsfwClassifier(config: ImageWorkerConfig): NsfwClassifier {
  return new NsfwClassifier({
    backend: config.MEDIAFLOW_NSFW_BACKEND,
    model: config.MEDIAFLOW_NSFW_MODEL,
  });
}
