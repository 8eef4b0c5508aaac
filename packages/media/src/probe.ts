import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MediaflowError, type MediaProperties } from '@mediaflow/contracts';
import ffmpeg from 'fluent-ffmpeg';
import { killChildrenByMarker } from './child-reaper';
import { MEDIA_INPUT_OPTIONS, refusedFormatError } from './file-input-args';
import { openImage } from './open-image';
import {
  classifyProbe,
  imageProperties,
  type ProbedMedia,
  type ProbedProperties,
} from './probe-classification';
import { toolPaths } from './tool-paths';

export interface ProbeOptions {
  /** sharp's decode limit (MEDIAFLOW_MAX_INPUT_PIXELS): a larger image is `input_too_large`. */
  maxInputPixels: number;
  /** How long ffprobe may take; default 30 s. */
  timeoutMs?: number;
}

const DEFAULT_PROBE_TIMEOUT_MS = 30_000;

/**
 * The media properties of a local file. sharp reads images (and enforces
 * the pixel limit from the header alone, before any decoding); ffprobe reads
 * video, audio and text tracks. A file neither can read is `input_unreadable`.
 */
export async function probeMedia(path: string, options: ProbeOptions): Promise<MediaProperties> {
  const file = resolve(path);
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw new MediaflowError('input_unreadable', 'The input is not a file');
  if (info.size === 0) throw new MediaflowError('input_unreadable', 'The file is empty');

  const image = await readImage(file, options.maxInputPixels);
  const properties =
    image ?? classifyProbe(await ffprobe(file, options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS));
  return { ...properties, filesize: info.size };
}

/** The image's properties, or null when sharp does not recognise the file as an image. */
async function readImage(file: string, maxInputPixels: number): Promise<ProbedProperties | null> {
  if (!(Number.isSafeInteger(maxInputPixels) && maxInputPixels > 0)) {
    throw new RangeError('maxInputPixels must be a whole number ≥ 1');
  }
  try {
    // failOn 'warning' is sharp's own default, which the probe has always had
    // (openImage's default is 'error'); only the header is read here.
    const meta = await openImage(file, maxInputPixels, { failOn: 'warning' }).metadata();
    if (!meta.format || !meta.width || !meta.height) return null;
    return imageProperties({
      ...meta,
      format: meta.format,
      width: meta.width,
      height: meta.height,
    });
  } catch (error) {
    const message = (error as Error).message;
    if (/pixel limit/i.test(message)) {
      throw new MediaflowError(
        'input_too_large',
        `The image is larger than the limit of ${maxInputPixels} pixels`,
      );
    }
    // Not an image sharp knows (or a broken one): ffprobe has its say.
    return null;
  }
}

function ffprobe(file: string, timeoutMs: number): Promise<ProbedMedia> {
  // fluent-ffmpeg keeps its ffprobe child to itself: a unique marker on the
  // command line (ffprobe's harmless -print_filename) lets the timeout find it.
  const marker = `mediaflow-probe-${randomUUID()}`;
  const url = `file:${file}`;
  return new Promise<ProbedMedia>((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      void killChildrenByMarker(marker).finally(() =>
        reject(
          new MediaflowError(
            'timeout',
            `ffprobe did not finish within ${Math.round(timeoutMs / 1000)} s`,
          ),
        ),
      );
    }, timeoutMs);
    ffmpeg(url)
      .setFfprobePath(toolPaths().ffprobe)
      .ffprobe(
        ['-v', 'error', '-print_filename', marker, ...MEDIA_INPUT_OPTIONS],
        (error: Error | null, data) => {
          clearTimeout(timer);
          if (!error) return resolvePromise(data as unknown as ProbedMedia);
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
            return reject(
              new MediaflowError('internal', `ffprobe not found (${toolPaths().ffprobe})`),
            );
          }
          reject(
            refusedFormatError(error.message) ??
              new MediaflowError(
                'input_unreadable',
                `The file cannot be read as media: ${ffprobeReason(error, url)}`,
              ),
          );
        },
      );
  });
}

/** ffprobe's last error lines, without the server path or the `[demuxer @ 0x…]` prefixes. */
function ffprobeReason(error: Error, url: string): string {
  // fluent-ffmpeg's message: "ffprobe exited with code N", then ffprobe's stderr.
  const lines = error.message
    .split('\n')
    .slice(1)
    .map((line) => line.replace(/^\[[^\]]* @ 0x[0-9a-f]+\]\s*/, '').trim())
    .filter(Boolean)
    .map((line) =>
      line.startsWith(`${url}: `) ? line.slice(url.length + 2) : line.split(url).join('the file'),
    );
  return lines.slice(-3).join('; ') || error.message;
}
