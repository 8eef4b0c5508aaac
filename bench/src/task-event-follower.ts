/** A change of a task's status as a stream announced it. */
export interface StreamedChange {
  status: string;
  /** Unix ms when the event had arrived whole. */
  at: number;
}

export interface FollowedStream {
  /**
   * Unix ms when the stream was asked for: a change made before is the
   * state the stream starts from, one made after is news it must push.
   */
  openedAt: number;
  /** The first event of each status, in the order they came. */
  changes: StreamedChange[];
  events: number;
  /** The final status the stream reported, if it reported one. */
  final?: string;
  error?: string;
}

const FINAL = new Set(['completed', 'failed', 'cancelled', 'skipped']);

/**
 * The task an event is about. Today's `event: task` carries the task object
 * as its data; issue 11's events carry `{ id, type, created_at, data }` with
 * the task object as `data`. Either is read.
 */
function taskOf(data: unknown): { status?: unknown } | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const inner = (data as { data?: unknown }).data;
  if (typeof inner === 'object' && inner !== null && 'status' in inner) return inner;
  return 'status' in data ? data : undefined;
}

/**
 * Follows `GET /tasks/:id/events` until it reports a final status, ends, or
 * `timeoutMs` passes, noting when each new status arrived.
 */
export async function followTaskEvents(
  baseUrl: string,
  key: string,
  taskId: string,
  timeoutMs: number,
): Promise<FollowedStream> {
  const stream: FollowedStream = { openedAt: Date.now(), changes: [], events: 0 };
  try {
    const res = await fetch(`${baseUrl}/tasks/${taskId}/events`, {
      headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.status !== 200 || !res.body) {
      stream.error = `answered ${res.status}`;
      return stream;
    }
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of res.body) {
      const at = Date.now();
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      const blocks = buffered.split(/\r?\n\r?\n/);
      buffered = blocks.pop() ?? '';
      for (const block of blocks) {
        const data = block
          .split(/\r?\n/)
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n');
        if (!data) continue; // a comment (heartbeat)
        stream.events++;
        const status = taskOf(JSON.parse(data))?.status;
        if (typeof status !== 'string') continue;
        if (stream.changes.at(-1)?.status !== status) stream.changes.push({ status, at });
        if (FINAL.has(status)) stream.final = status;
      }
      // Leaving the loop cancels the body; the gateway would end the stream there anyway.
      if (stream.final) break;
    }
  } catch (error) {
    stream.error = (error as Error).message;
  }
  return stream;
}
