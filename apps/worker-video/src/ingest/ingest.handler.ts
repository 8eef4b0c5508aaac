import { MediaflowError } from '@mediaflow/contracts';
import { probeMedia } from '@mediaflow/media';
import type { TaskHandler } from '@mediaflow/worker-kit';
import path from 'node:path';
import { withExtension } from './download-filename';
import { displayUrl, download, type DownloadLimits } from './downloader';

export interface IngestSettings {
  limits: DownloadLimits;
  /** Images larger than this are `input_too_large` (MEDIAFLOW_MAX_INPUT_PIXELS). */
  maxInputPixels: number;
}

/** The download's share of the progress; probing is the rest. */
const DOWNLOAD_SHARE = 95;

/**
 * `ingest` (TASKS.md): downloads the run's source URL safely, probes it, and
 * hands the probed file to the runner to store. What no prober reads,
 * zero bytes included, fails `input_unreadable`.
 */
export function ingestHandler(settings: IngestSettings): TaskHandler {
  return async ({ task, workDir, signal, progress }) => {
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
    return {
      file: { path: dest, filename: withExtension(filename, properties.format), properties },
    };
  };
}
