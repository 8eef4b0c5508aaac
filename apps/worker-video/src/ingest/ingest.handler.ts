import { MediaflowError } from '@mediaflow/contracts';
import { probeMedia } from '@mediaflow/media';
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
  const properties = await probeMedia(dest, { maxInputPixels: settings.maxInputPixels });
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
  const properties = await probeMedia(inputPath, { maxInputPixels: settings.maxInputPixels });
  const named = clientFilename(task.source_filename) ?? UPLOAD_FILENAME;
  return {
    file: { path: inputPath, filename: withExtension(named, properties.format), properties },
  };
}

function clientFilename(name: string | null | undefined): string | null {
  return name ? sanitiseFilename(name) : null;
}
