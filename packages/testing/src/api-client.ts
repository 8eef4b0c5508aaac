export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiRequest {
  key?: string | null;
  body?: unknown;
  /** Sent as is instead of JSON-encoding `body`. */
  raw?: string;
  /** Bytes or a form, sent as is with their own Content-Type (FormData sets multipart; set one in `headers` for bytes). */
  data?: Uint8Array | Blob | FormData;
  headers?: Record<string, string>;
  /** Aborts the request (e.g. `AbortSignal.timeout(ms)`): the call then rejects. */
  signal?: AbortSignal;
}

/** One call to the gateway, answering the status and the parsed JSON body. */
export async function api<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  request: ApiRequest = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.key) headers.authorization = `Bearer ${request.key}`;
  let body: string | Uint8Array | Blob | FormData | undefined;
  if (request.data !== undefined) body = request.data;
  else if (request.raw !== undefined) body = request.raw;
  else if (request.body !== undefined) body = JSON.stringify(request.body);
  if (typeof body === 'string') headers['content-type'] ??= 'application/json';
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body, signal: request.signal });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** The same, bound to a base URL and a key. */
export function client(baseUrl: string, key: string | null) {
  return <T = any>(method: string, path: string, request: Omit<ApiRequest, 'key'> = {}) =>
    api<T>(baseUrl, method, path, { ...request, key });
}

/** Downloads a URL (a signed file URL needs no key), answering its status and bytes. */
export async function downloadBytes(
  url: string,
): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const res = await fetch(url);
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}
