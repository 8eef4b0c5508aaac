import { readTaskEvents } from '@mediaflow/testing';

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
  /** Event id (of the events with an `id:` line: the ones the event log keeps) → Unix ms it arrived. */
  arrivals: Map<string, number>;
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
  const stream: FollowedStream = {
    openedAt: Date.now(),
    changes: [],
    arrivals: new Map(),
    events: 0,
  };
  try {
    await readTaskEvents(
      baseUrl,
      key,
      taskId,
      ({ data, id }) => {
        const at = Date.now();
        stream.events++;
        if (id !== undefined) stream.arrivals.set(id, at);
        const status = taskOf(data)?.status;
        if (typeof status !== 'string') return;
        if (stream.changes.at(-1)?.status !== status) stream.changes.push({ status, at });
        if (FINAL.has(status)) stream.final = status;
      },
      AbortSignal.timeout(timeoutMs),
    );
  } catch (error) {
    stream.error = (error as Error).message;
  }
  return stream;
}
