import type { TaskObject } from '@mediaflow/contracts';
import type { Mediaflow } from '@mediaflow/sdk';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { localiseTrackLinks, planOutputs } from './run-outputs';

export interface SavedOutput {
  label: string;
  path: string;
  bytes: number;
}

/** Writes every output of the task's completed steps into `dir`, named as planOutputs says. */
export async function downloadOutputs(
  mf: Mediaflow,
  task: TaskObject,
  dir: string,
  onSaved: (saved: SavedOutput) => void = () => {},
): Promise<SavedOutput[]> {
  await mkdir(dir, { recursive: true });
  const saved: SavedOutput[] = [];
  for (const download of planOutputs(task)) {
    const target = path.join(dir, download.name);
    switch (download.type) {
      case 'file':
        await mf.files.downloadTo(download.file, target);
        break;
      case 'track': {
        const text = await new Response(await mf.files.download(download.file)).text();
        await writeFile(target, localiseTrackLinks(text, download.links));
        break;
      }
      case 'data':
        await writeFile(target, `${JSON.stringify(download.data, null, 2)}\n`);
        break;
    }
    const entry = { label: download.label, path: target, bytes: (await stat(target)).size };
    saved.push(entry);
    onSaved(entry);
  }
  return saved;
}
