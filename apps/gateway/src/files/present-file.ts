import type { FileObject, StoredFile } from '@mediaflow/contracts';

/** The signed, absolute download URL of a file; made per request (its host, its clock). */
export type FileUrlOf = (file: StoredFile) => string;

/**
 * A stored file as clients see it: the file object of API.md with a signed
 * `url`. Fields are copied one by one, so where the bytes live
 * (`storage_key`) and anything else added to the stored record never leaks.
 */
export function presentFile(file: StoredFile, urlOf: FileUrlOf): FileObject {
  return {
    id: file.id,
    object: 'file',
    kind: file.kind,
    mimetype: file.mimetype,
    format: file.format,
    filename: file.filename,
    ref: file.ref,
    width: file.width,
    height: file.height,
    duration: file.duration,
    fps: file.fps,
    filesize: file.filesize,
    has_audio: file.has_audio,
    has_video: file.has_video,
    language: file.language,
    url: urlOf(file),
    task_id: file.task_id,
    created_at: file.created_at,
  };
}
