import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the receiver answers a delivery: the task it reports on, and how many of its deliveries came before. */
export type WebhookAnswer = (
  taskId: string,
  earlier: number,
) => { status: number; delayMs?: number };

/**
 * The task a webhook body is about: the task object itself, or an event
 * envelope (`{ id: "evt_…", data: task }`).
 */
function taskIdOf(body: unknown): string | undefined {
  const candidates = [
    (body as { data?: { id?: unknown } })?.data?.id,
    (body as { id?: unknown })?.id,
  ];
  return candidates.find((id): id is string => typeof id === 'string' && id.startsWith('task_'));
}

/**
 * A webhook receiver on 127.0.0.1 that notes what arrives, per task: when
 * each delivery came and the status it answered; and the most requests it
 * had open at once. With `hold` on, requests stay open until released.
 */
export class WebhookReceiver {
  /** The statuses answered to each task's deliveries, in order. */
  readonly answered = new Map<string, number[]>();
  /** Unix ms at which each task's deliveries arrived, in order. */
  readonly arrivals = new Map<string, number[]>();
  open = 0;
  peak = 0;
  answer: WebhookAnswer = () => ({ status: 204 });
  hold = false;
  private readonly held: (() => void)[] = [];
  private readonly server = createServer((req, res) => this.receive(req, res));

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** How many deliveries have arrived, in all. */
  get received(): number {
    return [...this.answered.values()].reduce((sum, statuses) => sum + statuses.length, 0);
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  /** Answers the requests held so far, and holds no more. */
  release(): void {
    this.hold = false;
    for (const answer of this.held.splice(0)) answer();
  }

  async stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const at = Date.now();
    this.open += 1;
    this.peak = Math.max(this.peak, this.open);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let taskId: string | undefined;
      try {
        taskId = taskIdOf(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        // not JSON: answered, not counted
      }
      let status = 204;
      let delayMs = 0;
      if (taskId !== undefined) {
        const statuses = this.answered.get(taskId) ?? [];
        ({ status, delayMs = 0 } = this.answer(taskId, statuses.length));
        this.answered.set(taskId, [...statuses, status]);
        this.arrivals.set(taskId, [...(this.arrivals.get(taskId) ?? []), at]);
      }
      const respond = () =>
        setTimeout(() => {
          this.open -= 1;
          res.writeHead(status).end();
        }, delayMs);
      if (this.hold) this.held.push(respond);
      else respond();
    });
  }
}
