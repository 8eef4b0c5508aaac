import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How the receiver answers a delivery: what it reports on (the task, or the
 * event), and how many of its deliveries came before; `headers` to answer
 * with (a redirect's `location`), `delayMs` before answering.
 */
export type WebhookAnswer = (
  subjectId: string,
  earlier: number,
) => { status: number; delayMs?: number; headers?: Record<string, string> };

/** A request as it arrived, and what it was answered. */
export interface ReceivedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body, as signed. */
  body: string;
  status: number;
  /** Unix ms. */
  at: number;
}

/**
 * What a webhook body reports on: a per-task webhook's task (the body is
 * the task object), or an event delivery's event (the body is its
 * envelope, `{ id: "evt_…", type, created_at, data }`).
 */
function subjectIdOf(body: unknown): string | undefined {
  const id = (body as { id?: unknown })?.id;
  if (typeof id !== 'string') return undefined;
  return id.startsWith('task_') || id.startsWith('evt_') ? id : undefined;
}

/**
 * A webhook receiver on 127.0.0.1 that notes what arrives, per task (or
 * event): when each delivery came and the status it answered; every
 * request as it came; and the most requests it had open at once. With
 * `hold` on, requests stay open until released.
 */
export class WebhookReceiver {
  /** The statuses answered to each task's (or event's) deliveries, in order. */
  readonly answered = new Map<string, number[]>();
  /** Unix ms at which each task's (or event's) deliveries arrived, in order. */
  readonly arrivals = new Map<string, number[]>();
  /** Every request, in the order they arrived. */
  readonly requests: ReceivedRequest[] = [];
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
      const body = Buffer.concat(chunks).toString('utf8');
      let subjectId: string | undefined;
      try {
        subjectId = subjectIdOf(JSON.parse(body));
      } catch {
        // not JSON: answered, not counted
      }
      let status = 204;
      let delayMs = 0;
      let headers: Record<string, string> = {};
      if (subjectId !== undefined) {
        const statuses = this.answered.get(subjectId) ?? [];
        ({ status, delayMs = 0, headers = {} } = this.answer(subjectId, statuses.length));
        this.answered.set(subjectId, [...statuses, status]);
        this.arrivals.set(subjectId, [...(this.arrivals.get(subjectId) ?? []), at]);
      }
      this.requests.push({ path: req.url ?? '', headers: req.headers, body, status, at });
      const respond = () =>
        setTimeout(() => {
          this.open -= 1;
          res.writeHead(status, headers).end();
        }, delayMs);
      if (this.hold) this.held.push(respond);
      else respond();
    });
  }
}
