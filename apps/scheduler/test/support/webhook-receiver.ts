import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the receiver answers a delivery: the task it reports on, and how many of its deliveries came before. */
export type Answer = (taskId: string, earlier: number) => { status: number; delayMs?: number };

/**
 * A webhook receiver on 127.0.0.1 that counts what arrives: the statuses it
 * answered per task, and the most requests it had open at once. With `hold`
 * on, requests stay open until released.
 */
export class WebhookReceiver {
  /** The statuses answered to each task's deliveries, in order. */
  readonly answered = new Map<string, number[]>();
  open = 0;
  peak = 0;
  answer: Answer = () => ({ status: 204 });
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
    this.open += 1;
    this.peak = Math.max(this.peak, this.open);
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const taskId = String((JSON.parse(body) as { id: unknown }).id);
      const statuses = this.answered.get(taskId) ?? [];
      const { status, delayMs = 0 } = this.answer(taskId, statuses.length);
      statuses.push(status);
      this.answered.set(taskId, statuses);
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
