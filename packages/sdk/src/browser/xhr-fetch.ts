import type { FetchLike } from '../http/http-client';
import type { UploadProgress } from '../files/upload-body';

/**
 * A fetch made of XMLHttpRequest, for one reason: browsers report an
 * upload's progress to XHR (`upload.onprogress`) and not to fetch, whose
 * stream bodies they send over HTTP/2 only. Undefined where there is no XHR.
 */
export function xhrFetch(
  onProgress: (progress: UploadProgress) => void,
  sent: () => void,
): FetchLike | undefined {
  if (typeof XMLHttpRequest === 'undefined') return undefined;
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(init.method ?? 'GET', url);
      xhr.responseType = 'arraybuffer';
      for (const [name, value] of new Headers(init.headers)) xhr.setRequestHeader(name, value);
      const signal = init.signal;
      const aborted = () => xhr.abort();
      signal?.addEventListener('abort', aborted, { once: true });
      const settle = () => signal?.removeEventListener('abort', aborted);
      xhr.upload.onprogress = (event) =>
        onProgress({
          loaded: event.loaded,
          total: event.lengthComputable ? event.total : undefined,
        });
      xhr.upload.onload = () => sent();
      xhr.onload = () => {
        settle();
        const headers = new Headers();
        for (const line of xhr
          .getAllResponseHeaders()
          .trim()
          .split(/[\r\n]+/)) {
          const colon = line.indexOf(':');
          if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
        }
        const empty = [101, 204, 205, 304].includes(xhr.status);
        resolve(
          new Response(empty ? null : (xhr.response as ArrayBuffer), {
            status: xhr.status,
            statusText: xhr.statusText,
            headers,
          }),
        );
      };
      xhr.onerror = () => {
        settle();
        reject(new TypeError(`network error: ${init.method ?? 'GET'} ${url}`));
      };
      xhr.onabort = () => {
        settle();
        reject(signal?.reason ?? new DOMException('The request was aborted', 'AbortError'));
      };
      xhr.send((init.body ?? null) as XMLHttpRequestBodyInit | null);
    });
}
