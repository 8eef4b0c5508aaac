import { dispositionFilename } from '@mediaflow/storage';

/** What an upload is named by (the worker makes it safe, and `upload` when nothing is left). */
export interface UploadNames {
  /** The `filename` query parameter. */
  query?: string | null;
  /** A multipart upload: the file part's own name. */
  part?: string | null;
  /** A raw upload: the request's Content-Disposition header. */
  disposition?: string | string[] | null;
}

/** Longest name passed on; the worker shortens it further, keeping the extension. */
const MAX_NAME_LENGTH = 255;

/**
 * The name an upload is stored under, as the client gave it: the `filename`
 * query parameter, else the multipart file part's name, else the request's
 * Content-Disposition; null when there is none (the worker then calls it
 * `upload`). Blank names count as none; long ones are cut.
 */
export function uploadFilename(names: UploadNames): string | null {
  const disposition = typeof names.disposition === 'string' ? names.disposition : null;
  for (const candidate of [names.query, names.part, dispositionFilename(disposition)]) {
    const name = candidate?.trim();
    if (name) return name.slice(0, MAX_NAME_LENGTH);
  }
  return null;
}
