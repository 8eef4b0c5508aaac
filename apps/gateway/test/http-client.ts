import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  bytes: Buffer;
  body: any;
}

export interface CallOptions {
  key?: string;
  json?: unknown;
  headers?: Record<string, string>;
}

/** One request to a gateway at `base` (or to an absolute URL), answering status, headers and body. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  const url = /^https?:\/\//.test(path) ? path : `${base}${path}`;
  const response = await fetch(url, { method, headers, body });
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes.toString('utf8');
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: tests look at `text` or `bytes`
  }
  return { status: response.status, headers: response.headers, text, bytes, body: parsed };
}

export interface ServerSentEvent {
  /** The `id:` line, when the event has one. */
  id?: string;
  event: string;
  data: any;
}

export interface EventStream {
  status: number;
  headers: Headers;
  /** The next event, or null once the server has ended the stream. */
  next(timeoutMs?: number): Promise<ServerSentEvent | null>;
  /** Comment lines seen so far (heartbeats). */
  comments: string[];
  close(): void;
}

/** Opens a Server-Sent Events stream and reads it event by event. */
export async function openEvents(url: string, key: string): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const comments: string[] = [];
  let buffer = '';
  let ended = false;

  const nextBlock = async (): Promise<string | null> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        return block;
      }
      if (ended) return null;
      const { done, value } = await reader.read();
      if (done) ended = true;
      else buffer += decoder.decode(value, { stream: true });
    }
  };

  const next = async (timeoutMs = 5000): Promise<ServerSentEvent | null> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      for (;;) {
        const block = await Promise.race([nextBlock(), timeout]);
        if (block === null) return null;
        const lines = block.split('\n');
        const comment = lines.filter((l) => l.startsWith(':'));
        comments.push(...comment);
        const id = lines.find((l) => l.startsWith('id: '))?.slice(4);
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
        const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
        if (event !== undefined && data !== undefined)
          return { ...(id === undefined ? {} : { id }), event, data: JSON.parse(data) };
      }
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    status: response.status,
    headers: response.headers,
    next,
    comments,
    close: () => controller.abort(),
  };
}
