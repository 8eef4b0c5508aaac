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
