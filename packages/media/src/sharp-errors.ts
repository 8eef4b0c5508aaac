import { MediaflowError } from '@mediaflow/contracts';

/**
 * What a sharp failure while decoding means for a task: over the pixel
 * limit is `input_too_large` (a decompression bomb), any other decoder
 * complaint is the input's fault (`input_unreadable`). A MediaflowError
 * thrown inside the pipeline passes through as it is.
 */
export function sharpDecodeError(error: unknown): MediaflowError {
  if (error instanceof MediaflowError) return error;
  const message = (error as Error)?.message ?? String(error);
  if (/pixel limit/i.test(message)) {
    return new MediaflowError(
      'input_too_large',
      'The image has more pixels than the MEDIAFLOW_MAX_INPUT_PIXELS limit',
    );
  }
  const reason = message.split('\n')[0]!.replace(/^Input file contains /, '');
  return new MediaflowError('input_unreadable', `The image cannot be read: ${reason}`);
}

/** The first line of a sharp message, when it says the output could not be written. */
const WRITE_FAILURE = /unable to open for write|write error|unable to write to target/i;

/**
 * What a sharp failure while rendering (decoding, processing and writing a
 * file) means for a task. libvips reports every failure of the pipeline,
 * the first one first, and only that one is the cause: a PNG whose data is
 * damaged fails `vipspng: libpng read error`, and then its PNG encoder
 * `vips2png: unable to write to target …`, having nothing to write. So the
 * output is to blame (`internal`: a full disk, a missing directory) only
 * when the first line is about writing; anything else is the input's, as
 * {@link sharpDecodeError} tells.
 */
export function sharpRenderError(error: unknown): MediaflowError {
  if (error instanceof MediaflowError) return error;
  const message = (error as Error)?.message ?? String(error);
  if (WRITE_FAILURE.test(message.split('\n')[0]!))
    return new MediaflowError('internal', `The image could not be written: ${message}`);
  return sharpDecodeError(error);
}
