import { openImage } from '@mediaflow/media';
import type { ImagePlan } from './image-plan';

/** Where a render reads and writes, and what it does: what crosses to a render process too. */
export interface RenderJob {
  input: string;
  output: string;
  plan: ImagePlan;
  maxInputPixels: number;
}

/**
 * Decodes the input, applies the plan (EXIF orientation first) and encodes
 * it to the output. Throws sharp's own error, for the caller to classify
 * (sharpRenderError): the same pipeline runs in the worker and in a render
 * process, which sends the message back.
 */
export async function renderImage({
  input,
  output,
  plan,
  maxInputPixels,
}: RenderJob): Promise<void> {
  let image = openImage(input, maxInputPixels).rotate();
  if (plan.resize) {
    const { width, height, fit, withoutEnlargement, background } = plan.resize;
    image = image.resize({
      width: width ?? undefined,
      height: height ?? undefined,
      fit,
      withoutEnlargement,
      background,
    });
  }
  if (plan.flatten) image = image.flatten({ background: plan.flatten });
  const quality = plan.quality ?? undefined;
  switch (plan.format) {
    case 'jpeg':
      image = image.jpeg({ quality });
      break;
    case 'png':
      image = image.png();
      break;
    case 'webp':
      image = image.webp({ quality });
      break;
    case 'avif':
      image = image.avif({ quality });
      break;
  }
  await image.toFile(output);
}
