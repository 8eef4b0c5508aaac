/** One Server-Sent Event of our streams: its `event:` and `id:`, and the envelope its `data:` holds. */
export interface StreamedEvent {
  event: string;
  id: string | undefined;
  data: any;
}

export interface EventStreamOptions {
  /** Sent as `Last-Event-ID`: resume after it. */
  lastEventId?: string;
  onEvent?: (event: StreamedEvent) => void;
  /** Called once the gateway has answered 200: the stream follows from here on. */
  onOpen?: () => void;
  signal?: AbortSignal;
}

/**
 * Reads an event stream of the gateway (`GET /tasks/:id/events`, `GET
 * /events/stream`) until the gateway ends it or `signal` aborts, handing
 * each event to `onEvent` as it comes; answers them all. Aborting ends it
 * quietly, with what came until then.
 */
export async function readEventStream(
  url: string,
  key: string,
  { lastEventId, onEvent = () => undefined, onOpen, signal }: EventStreamOptions = {},
): Promise<StreamedEvent[]> {
  const response = await fetch(url, {
    headers: {
      authorization: `Bearer ${key}`,
      accept: 'text/event-stream',
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    },
    signal,
  });
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
  onOpen?.();
  const events: StreamedEvent[] = [];
  let text = '';
  try {
    for await (const chunk of response.body!) {
      text += Buffer.from(chunk).toString('utf8');
      const blocks = text.split('\n\n');
      text = blocks.pop()!;
      for (const block of blocks) {
        const lines = block.split('\n');
        const field = (name: string) =>
          lines.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
        const data = field('data');
        if (data === undefined) continue; // a heartbeat
        const event = {
          event: field('event') ?? 'message',
          id: field('id'),
          data: JSON.parse(data),
        };
        events.push(event);
        onEvent(event);
      }
      // Aborted from onEvent: undici would only notice at the next chunk (a heartbeat, 15 s on).
      if (signal?.aborted) break;
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
  }
  return events;
}

/**
 * Starts {@link readEventStream} and resolves once the gateway has answered
 * 200, from when the stream follows what happens (or rejects if it fails
 * first); `reading` resolves with every event once the stream ends.
 */
export async function openEventStream(
  url: string,
  key: string,
  options: Omit<EventStreamOptions, 'onOpen'> = {},
): Promise<{ reading: Promise<StreamedEvent[]> }> {
  let opened!: () => void;
  const isOpen = new Promise<void>((resolve) => (opened = resolve));
  const reading = readEventStream(url, key, { ...options, onOpen: opened });
  await Promise.race([isOpen, reading]);
  return { reading };
}

/** `GET /tasks/:id/events` until the task is final (the gateway ends it) or `signal` aborts. */
export function readTaskEvents(
  baseUrl: string,
  key: string,
  taskId: string,
  onEvent: (event: StreamedEvent) => void = () => undefined,
  signal?: AbortSignal,
): Promise<StreamedEvent[]> {
  return readEventStream(`${baseUrl}/tasks/${taskId}/events`, key, { onEvent, signal });
}
