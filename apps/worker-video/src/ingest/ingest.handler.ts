import { MediaflowError, type MediaProperties } from '@mediaflow/contracts';
import { assertNotCutShort, probeMedia } from '@mediaflow/media';
import {
  defineTaskHandler,
  type HandlerResult,
  type KindTaskContext,
  type KindTaskHandler,
} from '@mediaflow/worker-kit';
import path from 'node:path';
import { sanitiseFilename, withExtension } from './download-filename';
import { displayUrl, download, type DownloadLimits } from './downloader';

export interface IngestSettings {
  limits: DownloadLimits;
  /** Images larger than this are `input_too_large` (MEDIAFLOW_MAX_INPUT_PIXELS). */
  maxInputPixels: number;
}

/** The download's share of the progress; probing is the rest. */
const DOWNLOAD_SHARE = 95;

/** What an upload is called when the client named it nothing usable. */
export const UPLOAD_FILENAME = 'upload';

/**
 * `ingest` (docs/task-kinds.md): downloads the source URL safely, or takes an upload
 * the gateway staged (the runner has fetched it: `inputPath`), probes it,
 * and hands the probed file to the runner to store. What no prober reads,
 * zero bytes included, fails `input_unreadable`. A name the client gave
 * (`source_filename`) wins over the server's or the URL's.
 */
export function ingestHandler(settings: IngestSettings): KindTaskHandler<'ingest'> {
  return defineTaskHandler('ingest', (context) =>
    context.task.source_key ? ingestUpload(context, settings) : ingestUrl(context, settings),
  );
}

type IngestTask = KindTaskContext<'ingest'>;

async function ingestUrl(
  { task, workDir, signal, progress }: IngestTask,
  settings: IngestSettings,
): Promise<HandlerResult> {
  if (!task.source_url)
    throw new MediaflowError('internal', 'An ingest task came without a source_url');
  // A fixed name on disk: the server's name is for people, and an extension like .txt would steer ffprobe.
  const dest = path.join(workDir, 'source');
  const { filename, bytes } = await download(task.source_url, dest, settings.limits, {
    signal,
    onProgress: (percent) => progress((percent * DOWNLOAD_SHARE) / 100),
  });
  if (bytes === 0) {
    throw new MediaflowError(
      'input_unreadable',
      `${displayUrl(new URL(task.source_url))} is empty (0 bytes)`,
    );
  }
  const properties = await probeIngested(dest, settings);
  const named = clientFilename(task.source_filename) ?? filename;
  return { file: { path: dest, filename: withExtension(named, properties.format), properties } };
}

/**
 * The staged bytes are probed where the runner put them (for the local
 * driver, storage's own file, named without the client's extension) and
 * stored by the runner under this attempt's key, like a download.
 */
async function ingestUpload(
  { task, inputPath }: IngestTask,
  settings: IngestSettings,
): Promise<HandlerResult> {
  if (!inputPath) throw new MediaflowError('internal', 'An upload ingest came without its bytes');
  const properties = await probeIngested(inputPath, settings);
  const named = clientFilename(task.source_filename) ?? UPLOAD_FILENAME;
  return {
    file: { path: inputPath, filename: withExtension(named, properties.format), properties },
  };
}

/**
 * The probe, and a refusal of audio and video cut short: a faststart MP4
 * truncated in transit keeps the index of its whole length, so it probes
 * whole and every later task would make a short file of it. Decoding the
 * whole file here would tell for certain, at the cost of a transcode's
 * decoding time on every upload (minutes for a film); reading the packets
 * of its last seconds (readMediaExtent) costs one or two seeks, whatever the
 * length, and finds the data missing from a truncated file. The `video` and
 * `audio` kinds still compare what they decode with what the file declares.
 */
async function probeIngested(path: string, settings: IngestSettings): Promise<MediaProperties> {
  const properties = await probeMedia(path, { maxInputPixels: settings.maxInputPixels });
  if ((properties.kind === 'video' || properties.kind === 'audio') && properties.duration) {
    await assertNotCutShort(path, { declaredSeconds: properties.duration });
  }
  return properties;
}

function clientFilename(name: string | null | undefined): string | null {
  return name ? sanitiseFilename(name) : null;
}
