import {
  publicFile,
  type FileObject,
  type FileWithTriggeredRuns,
  type StoredFile,
  type StoredFileWithRuns,
} from '@mediaflow/contracts';

/** The signed, absolute download URL of a file; made per request (its host, its clock). */
export type FileUrlOf = (file: StoredFile) => string;

/** A stored file as clients see it: the file object of docs/http-api.md with a signed `url`. */
export function presentFile(file: StoredFile, urlOf: FileUrlOf): FileObject {
  return { ...publicFile(file), url: urlOf(file) };
}

/** A file as the `/files` routes answer it: presented, with the runs its arrival started. */
export function presentFileWithRuns(
  file: StoredFileWithRuns,
  urlOf: FileUrlOf,
): FileWithTriggeredRuns {
  return { ...presentFile(file, urlOf), triggered_runs: file.triggered_runs };
}
