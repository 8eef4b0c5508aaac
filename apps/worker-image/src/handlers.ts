import { grabFrame, probeMedia } from '@mediaflow/media';
import type { TaskHandlers } from '@mediaflow/worker-kit';
import type { ImageWorkerConfig } from './config';
import { imageHandler } from './image/image.handler';
import { ImageRepository } from './image/image.repository';
import { ImageService } from './image/image.service';

/** The kinds this worker runs: `image` (nsfw comes with its own handler). */
export function imageHandlers(config: ImageWorkerConfig): TaskHandlers {
  const maxInputPixels = config.MEDIAFLOW_MAX_INPUT_PIXELS;
  const images = new ImageRepository(maxInputPixels);
  const service = new ImageService({
    inspect: (input) => images.inspect(input),
    render: (input, output, plan) => images.render(input, output, plan),
    grabFrame: (input, output, options) => grabFrame(input, output, options),
    probe: (file) => probeMedia(file, { maxInputPixels }),
  });
  return { image: imageHandler(service) };
}
