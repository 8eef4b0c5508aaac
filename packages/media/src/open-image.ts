import sharp from 'sharp';

export interface OpenImageOptions {
  /**
   * What makes a decode fail. Default `error`: corrupt or truncated data
   * fails instead of being painted grey, while a mere warning passes.
   */
  failOn?: sharp.FailOnOptions;
}

/**
 * sharp on a local image, every decode under the pixel limit
 * (MEDIAFLOW_MAX_INPUT_PIXELS): a decompression bomb is refused from its
 * header, before any pixel is allocated.
 */
export function openImage(
  file: string,
  maxInputPixels: number,
  { failOn = 'error' }: OpenImageOptions = {},
): sharp.Sharp {
  return sharp(file, { limitInputPixels: maxInputPixels, failOn });
}
