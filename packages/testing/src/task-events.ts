/** One event of `GET /tasks/:id/events`: its SSE `event:` and `id:`, and the envelope its `data:` holds. */
export interface StreamedEvent {
  event: string;
  id: string | undefined;
  data: any;
}

/**
 * Reads `GET /tasks/:id/events` until the gateway ends it (once the task is
 * final) or `signal` aborts, handing each event to `onEvent` as it comes;
 * answers them all.
 */
export async function readTaskEvents(
  baseUrl: string,
  key: string,
  taskId: string,
  onEvent: (event: StreamedEvent) => void = () => undefined,
  signal?: AbortSignal,
): Promise<StreamedEvent[]> {
  const response = await fetch(`${baseUrl}/tasks/${taskId}/events`, {
    headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
    signal,
  });
  if (response.status !== 200)
    throw new Error(`GET /tasks/${taskId}/events answered ${response.status}`);
  const events: StreamedEvent[] = [];
  let text = '';
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
      const event = { event: field('event') ?? 'message', id: field('id'), data: JSON.parse(data) };
      events.push(event);
      onEvent(event);
    }
  }
  return events;
}
