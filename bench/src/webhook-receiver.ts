import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookReceiver {
  url: string;
  /** Unix ms of each delivery received, by task id. */
  received: Map<string, number[]>;
  close(): Promise<void>;
}

/**
 * The task a webhook body is about: today the task object itself; an event
 * envelope (`{ id: "evt_…", data: task }`) is read as well.
 */
function taskIdOf(body: unknown): string | undefined {
  const candidates = [
    (body as { data?: { id?: unknown } })?.data?.id,
    (body as { id?: unknown })?.id,
  ];
  return candidates.find((id): id is string => typeof id === 'string' && id.startsWith('task_'));
}

/** A loopback HTTP server that notes when each webhook arrives, and answers 204. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received = new Map<string, number[]>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = Date.now();
      try {
        const id = taskIdOf(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        if (id) received.set(id, [...(received.get(id) ?? []), at]);
      } catch {
        // not JSON: not ours to count
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
