import type { FileObject } from '@mediaflow/contracts';
import type { Mediaflow } from '@mediaflow/sdk';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Output } from '../output/output';
import { uploadDisplay } from './progress-display';

/**
 * Uploads a local file with its progress shown, and answers the stored file.
 * An upload the server is still probing when its wait runs out comes back as
 * its `ingest` task (202), followed to its end.
 */
export async function uploadFile(
  mf: Mediaflow,
  filePath: string,
  out: Output,
  filename?: string,
): Promise<FileObject> {
  const name = filename ?? path.basename(filePath);
  const display = uploadDisplay(out.progress, out.interactive, name, statSync(filePath).size);
  let result: Awaited<ReturnType<Mediaflow['files']['upload']>>;
  try {
    result = await mf.files.upload(filePath, {
      filename: name,
      onProgress: ({ loaded, total }: { loaded: number; total?: number }) =>
        display.progress(loaded, total),
    });
  } finally {
    display.stop();
  }
  // The SDK follows a 202's ingest to its end, and throws the API's error if it failed.
  return mf.files.wait(result);
}
