import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { MediaflowError } from '@mediaflow/contracts';
import {
  extentCutShort,
  extentReadStarts,
  mediaExtentArgs,
  parseMediaExtent,
  readCutShortError,
  type MediaExtent,
} from './cut-short';
import { toolPaths } from './tool-paths';

const execFileAsync = promisify(execFile);

export interface MediaExtentOptions {
  /** The duration the probe found, which places the read near the end. */
  declaredSeconds: number;
  /** Per ffprobe run; default 30 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** Packet lines of the few seconds read: far less than this, whatever the file. */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * How far a file's audio and video packets reach against the duration it
 * declares, read from its last seconds without decoding (an ffprobe run
 * that seeks, so the cost does not grow with the file's length; more only
 * for a file found cut short, see extentReadStarts). Null
 * when that cannot be told: a duration that is only an estimate, or an
 * ffprobe that fails or takes too long, which the decode itself will then
 * report if the file is bad.
 */
export async function readMediaExtent(
  path: string,
  options: MediaExtentOptions,
): Promise<MediaExtent | null> {
  const file = resolve(path);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let found: MediaExtent | null = null;
  for (const from of extentReadStarts(options.declaredSeconds)) {
    const extent = await readFrom(file, from, timeoutMs);
    // Nothing more to be told: what the reads before found stands.
    if (extent === null) return found;
    found = extent;
    if (extent.reached !== null) break;
  }
  return found;
}

/** Refuses a file whose data stops short of the duration it declares (`input_unreadable`). */
export async function assertNotCutShort(path: string, options: MediaExtentOptions): Promise<void> {
  const extent = await readMediaExtent(path, options);
  if (extent && extentCutShort(extent)) throw readCutShortError(extent);
}

async function readFrom(
  file: string,
  from: number,
  timeoutMs: number,
): Promise<MediaExtent | null> {
  try {
    const { stdout, stderr } = await execFileAsync(
      toolPaths().ffprobe,
      mediaExtentArgs(file, from),
      {
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: MAX_OUTPUT_BYTES,
      },
    );
    return parseMediaExtent(stdout, stderr, from);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new MediaflowError('internal', `ffprobe not found (${toolPaths().ffprobe})`);
    }
    return null;
  }
}
