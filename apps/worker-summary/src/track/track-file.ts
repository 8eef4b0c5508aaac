import { MediaflowError } from '@mediaflow/contracts';
import { readFile, stat } from 'node:fs/promises';

/** Subtitle tracks are small; a bigger "track" is not one, and is not read into memory. */
export const MAX_TRACK_BYTES = 16 * 1024 * 1024;

/** A track file's text (UTF-8), refused when it is too big or not text at all. */
export async function readTrackFile(file: string): Promise<string> {
  const { size } = await stat(file);
  if (size > MAX_TRACK_BYTES)
    throw new MediaflowError(
      'input_too_large',
      `The track is ${size} bytes; tracks of up to ${MAX_TRACK_BYTES} bytes are summarised`,
    );
  const bytes = await readFile(file);
  if (bytes.includes(0))
    throw new MediaflowError('input_unreadable', 'The track is not text: it holds binary data');
  return bytes.toString('utf8');
}
