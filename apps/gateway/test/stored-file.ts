import type { StoredFile } from '@mediaflow/contracts';

/** A file as the scheduler answers it, for unit specs: a PNG a task of the project made. */
export function storedFile(id: string, overrides: Partial<StoredFile> = {}): StoredFile {
  return {
    id,
    project_id: 'prj_aaaaaaaaaaaaaaaa',
    kind: 'image',
    mimetype: 'image/png',
    format: 'png',
    filename: `${id}.png`,
    ref: null,
    width: 320,
    height: 240,
    duration: null,
    fps: null,
    filesize: 1234,
    has_audio: false,
    has_video: false,
    language: null,
    task_id: 'task_aaaaaaaaaaaaaaaa',
    storage_key: `projects/prj_aaaaaaaaaaaaaaaa/tasks/task_aaaaaaaaaaaaaaaa/1/${id}.png`,
    created_at: 1735689825,
    ...overrides,
  };
}
