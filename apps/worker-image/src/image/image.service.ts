import { MediaflowError, type FileKind, type MediaProperties } from '@mediaflow/contracts';
import type { HandlerFile } from '@mediaflow/worker-kit';
import path from 'node:path';
import { imagePlan, type ImageOptions, type ImagePlan } from './image-plan';
import type { ImageHeader } from './image.repository';

/** The tools the service decides between; the real ones run sharp, ffmpeg and ffprobe. */
export interface ImageTools {
  inspect(input: string): Promise<ImageHeader>;
  /** `signal` stops a long render at once (ImageRepository.render). */
  render(input: string, output: string, plan: ImagePlan, signal: AbortSignal): Promise<void>;
  /** A PNG of the frame at `atSeconds`, or of a representative, non-black one. */
  grabFrame(
    input: string,
    output: string,
    options: { atSeconds?: number; durationSeconds: number | null; signal: AbortSignal },
  ): Promise<void>;
  probe(file: string): Promise<MediaProperties>;
}

export interface ImageJob {
  input: { path: string; kind: FileKind; duration: number | null };
  options: ImageOptions;
  ref: string | null;
  workDir: string;
  signal: AbortSignal;
}

/** The `image` kind (docs/task-kinds.md): resize and convert an image, or make one of a video's frames. */
export class ImageService {
  constructor(private readonly tools: ImageTools) {}

  async make({ input, options, ref, workDir, signal }: ImageJob): Promise<HandlerFile> {
    let source = input.path;
    let plan: ImagePlan;
    if (input.kind === 'video') {
      plan = imagePlan(options, { kind: 'video' }, ref);
      source = path.join(workDir, 'frame.png');
      const at = plan.source.type === 'frame' ? plan.source.atSeconds : null;
      await this.tools.grabFrame(input.path, source, {
        ...(at === null ? {} : { atSeconds: at }),
        durationSeconds: input.duration,
        signal,
      });
    } else if (input.kind === 'image') {
      const header = await this.tools.inspect(input.path);
      plan = imagePlan(options, { kind: 'image', format: header.format }, ref);
    } else {
      throw new MediaflowError(
        'unsupported_input',
        `An image cannot be made from a${input.kind === 'audio' ? 'n' : ''} ${input.kind} file`,
      );
    }
    throwIfAborted(signal);

    // A fixed name on disk; the user's name is only the stored one.
    const output = path.join(workDir, `output.${plan.format}`);
    await this.tools.render(source, output, plan, signal);
    throwIfAborted(signal);
    return { path: output, filename: plan.filename, properties: await this.tools.probe(output) };
  }
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted)
    throw signal.reason instanceof Error
      ? signal.reason
      : new MediaflowError('cancelled', 'The task was cancelled');
}
