import type { Answer, RequestTraits } from './openapi-conformance';

/**
 * One generated HTTP request, as the API fuzzer builds and sends it: values
 * are kept decoded (what the server should read back) and encoded only when
 * sent, so a failure message shows what was meant.
 */

export type Auth = 'admin' | 'other-project' | 'none' | 'wrong' | 'malformed';

export interface FuzzBody {
  /** Unset for a FormData body: fetch writes the multipart type with its boundary. */
  contentType?: string;
  data: string | Uint8Array | FormData;
}

export interface FuzzRequest {
  method: string;
  /** The operation's path template, `/tasks/{id}`. */
  template: string;
  /** Path parameters: a value to encode, or `raw` to send as it is (malformed %-escapes). */
  pathParams: Record<string, { value: string } | { raw: string }>;
  query: [string, string][];
  headers: Record<string, string>;
  auth: Auth;
  body?: FuzzBody;
  /** Why the document refuses this request, if it does: then a 2xx is a finding. */
  refusedByDocument?: string;
  /** What was broken, for failure messages. */
  note?: string;
}

export interface Keys {
  admin: string;
  otherProject: string;
}

/** An unpaired UTF-16 surrogate: a string holding one cannot be stored (docs/http-api.md). */
const LONE_SURROGATE = /([\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff])/;

/** A lone surrogate's three bytes, %-escaped: how one travels in a URL (WTF-8). */
const ENCODED_SURROGATE = /%ED%[AB][0-9A-F]%[89AB][0-9A-F]/i;

function hasUnstorable(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

/** The three bytes a lone surrogate would have in UTF-8 if it were allowed: %-escaped, undecodable. */
function surrogateEscape(unit: string): string {
  const c = unit.charCodeAt(0);
  return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
    .map((b) => `%${b.toString(16).toUpperCase()}`)
    .join('');
}

/** encodeURIComponent, which throws on a lone surrogate: that one is escaped as its (invalid) bytes. */
function encodeComponent(text: string): string {
  return text
    .split(LONE_SURROGATE)
    .map((part, i) => (i % 2 === 1 ? surrogateEscape(part) : encodeURIComponent(part)))
    .join('');
}

function pathOf(request: FuzzRequest): string {
  return request.template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const param = request.pathParams[name];
    if (!param) throw new Error(`no value for {${name}}`);
    return 'raw' in param ? param.raw : encodeComponent(param.value);
  });
}

function urlOf(request: FuzzRequest): string {
  const query = request.query
    .map(([k, v]) => `${encodeComponent(k)}=${encodeComponent(v)}`)
    .join('&');
  return query ? `${pathOf(request)}?${query}` : pathOf(request);
}

/** Every key and string of a JSON value; without recursion, as bodies may nest thousands deep. */
function stringsOf(root: unknown): string[] {
  const out: string[] = [];
  const stack: unknown[] = [root];
  while (stack.length) {
    const value = stack.pop();
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) stack.push(...value);
    else if (value !== null && typeof value === 'object')
      for (const [key, item] of Object.entries(value)) {
        out.push(key);
        stack.push(item);
      }
  }
  return out;
}

/** How deep a JSON body may nest its arrays and objects (docs/http-api.md, Errors). */
const MAX_BODY_DEPTH = 64;

/** How deep a JSON value nests its arrays and objects; without recursion, as for stringsOf. */
function depthOf(root: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    for (const item of Object.values(value)) stack.push([item, depth + 1]);
  }
  return deepest;
}

/**
 * Why the gateway may refuse a JSON body whatever the route: not UTF-8, not
 * JSON, nested too deep, `__proto__`, unstorable strings.
 */
function jsonBodyRefusedAnywhere(body: FuzzBody): boolean {
  if (!body.contentType?.startsWith('application/json') || body.data instanceof FormData)
    return false;
  let text: string;
  try {
    text =
      typeof body.data === 'string'
        ? body.data
        : new TextDecoder('utf-8', { fatal: true }).decode(body.data);
  } catch {
    return true;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return true;
  }
  if (depthOf(parsed) > MAX_BODY_DEPTH) return true;
  for (const s of stringsOf(parsed)) if (hasUnstorable(s)) return true;
  // `__proto__` anywhere, or `constructor.prototype`: both are refused, as in secure-json-parse.
  return /"__proto__"\s*:/.test(text) || /"constructor"\s*:\s*\{[^]*"prototype"\s*:/.test(text);
}

function decodesAsUtf8(raw: string): boolean {
  try {
    decodeURIComponent(raw);
    return true;
  } catch {
    return false;
  }
}

export function traitsOf(request: FuzzRequest, keys: Keys, otherMethod = false): RequestTraits {
  const params = Object.values(request.pathParams);
  const decoded = params.map((p) => ('raw' in p ? p.raw : p.value));
  const url = urlOf(request);
  const headerBytes =
    url.length +
    Object.entries(headersOf(request, keys)).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
  return {
    refusedAnywhere:
      params.some((p) =>
        'raw' in p
          ? ENCODED_SURROGATE.test(p.raw) ||
            (decodesAsUtf8(p.raw) && hasUnstorable(decodeURIComponent(p.raw)))
          : hasUnstorable(p.value),
      ) ||
      request.query.some(([k, v]) => hasUnstorable(k) || hasUnstorable(v)) ||
      (request.body !== undefined && jsonBodyRefusedAnywhere(request.body)),
    longSegment: pathOf(request)
      .split('/')
      .some(
        (segment) =>
          segment.length > 100 ||
          (decodesAsUtf8(segment) && decodeURIComponent(segment).length > 100),
      ),
    // Node's limit is 16 KB for the request line and headers together; the host and the rest come on top.
    hugeHeaders: headerBytes > 15_000,
    otherMethod,
    unroutablePath: decoded.some((d) => d === '' || d === '.' || d === '..'),
  };
}

function headersOf(request: FuzzRequest, keys: Keys): Record<string, string> {
  const headers: Record<string, string> = { ...request.headers };
  switch (request.auth) {
    case 'admin':
      headers.authorization = `Bearer ${keys.admin}`;
      break;
    case 'other-project':
      headers.authorization = `Bearer ${keys.otherProject}`;
      break;
    case 'wrong':
      headers.authorization = `Bearer mf_${'0'.repeat(40)}`;
      break;
    case 'malformed':
      headers.authorization = `Basic ${Buffer.from(`x:${keys.admin}`).toString('base64')}`;
      break;
    case 'none':
      break;
  }
  if (request.body?.contentType) headers['content-type'] = request.body.contentType;
  return headers;
}

/**
 * The first event of a stream that came within `waitMs`: its text and the
 * parsed JSON of its `data:` line (the text, when that is not JSON).
 */
async function firstEvent(
  res: Response,
  waitMs: number,
): Promise<{ text: string; data: unknown } | undefined> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const deadline = Date.now() + waitMs;
  let text = '';
  while (Date.now() < deadline) {
    // The read left waiting when time is up fails once the connection is cut: caught here.
    const read = reader.read().catch(() => undefined);
    const chunk = await Promise.race([
      read,
      new Promise<undefined>((resolve) =>
        setTimeout(() => resolve(undefined), Math.max(deadline - Date.now(), 0)),
      ),
    ]);
    if (!chunk || chunk.done) return undefined;
    text += decoder.decode(chunk.value, { stream: true });
    for (const block of text.split('\n\n').slice(0, -1)) {
      const line = block.split('\n').find((l) => l.startsWith('data:'));
      if (line === undefined) continue; // a comment: the keep-alive
      const raw = line.slice('data:'.length).trim();
      try {
        return { text: block, data: JSON.parse(raw) };
      } catch {
        return { text: block, data: raw };
      }
    }
  }
  return undefined;
}

/**
 * Sends `request` and reads the answer. Of a `stream` route's 200 only the
 * first event is read, if one comes within `firstEventMs`; then the
 * connection is cut, since an event stream may never end.
 */
export async function send(
  baseUrl: string,
  request: FuzzRequest,
  keys: Keys,
  { stream = false, timeoutMs = 30_000, firstEventMs = 1000 } = {},
): Promise<Answer> {
  const cut = new AbortController();
  const timer = setTimeout(() => cut.abort(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
  try {
    const res = await fetch(`${baseUrl}${urlOf(request)}`, {
      method: request.method,
      headers: headersOf(request, keys),
      body: request.body?.data,
      redirect: 'manual',
      signal: cut.signal,
    });
    if (stream && res.status === 200) {
      const first = await firstEvent(res, firstEventMs);
      cut.abort();
      return {
        status: res.status,
        headers: res.headers,
        body: first?.data,
        text: first?.text ?? '',
      };
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body, text };
  } finally {
    clearTimeout(timer);
  }
}

/** The request and its answer, short enough for a failure message. */
export function describeExchange(request: FuzzRequest, answer: Answer | undefined): string {
  const body =
    request.body === undefined
      ? ''
      : request.body.data instanceof FormData
        ? ' [multipart]'
        : ` ${request.body.contentType ?? ''} ${String(typeof request.body.data === 'string' ? request.body.data : `<${request.body.data.length} bytes>`).slice(0, 600)}`;
  const head = `${request.method} ${urlOf(request).slice(0, 300)} auth=${request.auth} headers=${JSON.stringify(request.headers).slice(0, 300)}${body}`;
  const note = request.note ? `\n  broken: ${request.note}` : '';
  const answered = answer ? `\n  → ${answer.status} ${answer.text.slice(0, 600)}` : '';
  return `${head}${note}${answered}`;
}
