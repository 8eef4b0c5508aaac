import { publicFile, type FileObject, type StoredFile } from '@mediaflow/contracts';

/** The signed, absolute download URL of a file; made per request (its host, its clock). */
export type FileUrlOf = (file: StoredFile) => string;

/** A stored file as clients see it: the file object of docs/http-api.md with a signed `url`. */
export function presentFile(file: StoredFile, urlOf: FileUrlOf): FileObject {
  return { ...publicFile(file), url: urlOf(file) };
}
