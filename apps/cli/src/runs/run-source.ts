import { statSync } from 'node:fs';
import { UsageError } from '../cli-errors';

export type RunSource = { type: 'url'; url: string } | { type: 'file'; path: string };

/**
 * What `mediaflow run` runs on: an http(s) URL the server fetches, or a
 * local file, uploaded first. Anything else is a usage error, said before
 * any request is made.
 */
export function runSource(arg: string, isFile: (path: string) => boolean): RunSource {
  if (/^https?:\/\//i.test(arg)) return { type: 'url', url: arg };
  if (isFile(arg)) return { type: 'file', path: arg };
  throw new UsageError(
    `"${arg}" is neither an http(s) URL nor a file here (a local file: ./clip.mp4)`,
  );
}

/** Whether `p` names a regular file here (the `isFile` runSource is given outside the specs). */
export function isLocalFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
