import { dispositionFilename } from '@mediaflow/storage';

/** What a download is stored as when neither the server nor the URL names it. */
export const FALLBACK_FILENAME = 'source';

const MAX_LENGTH = 200;

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Makes a name safe to store and to offer for download: no directories, no
 * control or reserved characters, no leading dots, at most 200 characters
 * (keeping the extension). Null when nothing is left.
 */
export function sanitiseFilename(name: string): string | null {
  const base = name.split(/[/\\]/).pop() ?? '';
  let clean = base
    // Control characters are exactly what this removes.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/[:*?"<>|]/g, '_')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (clean === '') return null;
  if (clean.length > MAX_LENGTH) {
    const ext = /\.[A-Za-z0-9]{1,10}$/.exec(clean)?.[0] ?? '';
    clean = clean.slice(0, MAX_LENGTH - ext.length) + ext;
  }
  return clean;
}

/** The download's name: from Content-Disposition, else the URL's last path segment, sanitised. */
export function downloadFilename(contentDisposition: string | undefined, url: URL): string {
  const fromHeader = dispositionFilename(contentDisposition);
  const fromHeaderClean = fromHeader === null ? null : sanitiseFilename(fromHeader);
  if (fromHeaderClean) return fromHeaderClean;
  const segment = url.pathname.split('/').pop() ?? '';
  return sanitiseFilename(decode(segment)) ?? FALLBACK_FILENAME;
}

/** Adds the probed format as an extension to a name that has none (`download` → `download.mp4`). */
export function withExtension(filename: string, format: string | null): string {
  if (/\.[A-Za-z0-9]{1,10}$/.test(filename) || !format || !/^[a-z0-9]{1,10}$/.test(format))
    return filename;
  return `${filename}.${format}`;
}
