import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { SchedulerConfig } from '../config';
import { SchedulerStore } from '../database/scheduler-store';
import { SCHEDULER_CONFIG } from '../scheduler-tokens';
import type { ClaimedDelivery } from './webhook-deliveries.repository';
import { postWebhook } from './webhook-post';
import { afterWebhookAttempt, type WebhookOutcome } from './webhook-schedule';
import { WebhookSendQueue } from './webhook-send-queue';
import { WEBHOOK_SIGNATURE_HEADER, webhookSignature } from './webhook-signature';

/**
 * Deliveries that may wait in memory per delivery in flight. Each is an id
 * (the body stays in PostgreSQL): 1,024 at the default concurrency of 16,
 * which at the 10 to 50 ms a receiver typically takes is 1 to 3 s of work.
 */
const WAITING_PER_SLOT = 64;

/**
 * How much longer than one POST's time limit a claim lasts: room to record
 * the outcome. A sender that dies holding a claim delays that delivery's
 * retry by this much past the time limit, no more.
 */
const CLAIM_MARGIN_MS = 30_000;

/**
 * POSTs webhook deliveries, signed, only where MEDIAFLOW_ALLOWED_HOSTS lets
 * non-public addresses be reached, and records how each went. A delivery is
 * sent as soon as the transaction that ended its task commits ({@link sendNow});
 * the reconciler hands over those due again after a failure and any this
 * process could not take ({@link sendDue}). Both go through one queue, at most
 * MEDIAFLOW_WEBHOOK_CONCURRENCY POSTs at once. Each attempt first claims its
 * row, so that this path, the reconciler and other replicas never send one
 * delivery twice at once.
 */
@Injectable()
export class WebhookSender implements BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookSender.name);
  private readonly queue: WebhookSendQueue;

  constructor(
    private readonly store: SchedulerStore,
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
  ) {
    const concurrency = config.MEDIAFLOW_WEBHOOK_CONCURRENCY;
    this.queue = new WebhookSendQueue(
      concurrency,
      concurrency * WAITING_PER_SLOT,
      (id) => this.attempt(id),
      (id, error) =>
        this.logger.error(`webhook delivery ${id} failed: ${(error as Error).message}`),
    );
  }

  /**
   * Deliveries just committed: sent now, or left to the reconciler when the
   * queue is full (their rows stay due). Does not wait for them.
   */
  sendNow(ids: readonly string[]): void {
    for (const id of ids) this.queue.offer(id);
  }

  /** Due deliveries no sender holds, as many as the queue has room for. Does not wait for them. */
  async sendDue(): Promise<void> {
    const room = this.queue.room();
    if (room === 0) return;
    this.sendNow(await this.store.autocommit((repos) => repos.deliveries.due(room)));
  }

  /** Deliveries still waiting stay due for the reconciler; those under way are finished and recorded. */
  beforeApplicationShutdown(): Promise<void> {
    return this.queue.close();
  }

  /** One attempt, if this sender gets the claim; otherwise someone else is sending it, or has. */
  private async attempt(id: string): Promise<void> {
    const claimMs = this.config.MEDIAFLOW_WEBHOOK_TIMEOUT_MS + CLAIM_MARGIN_MS;
    const delivery = await this.store.autocommit((repos) => repos.deliveries.claim(id, claimMs));
    if (delivery) await this.send(delivery);
  }

  private async send(delivery: ClaimedDelivery): Promise<void> {
    const outcome = await this.post(delivery);
    const after = afterWebhookAttempt(delivery, outcome, new Date());
    if (!after.delivered_at) {
      const why =
        'status' in outcome
          ? `HTTP ${outcome.status}`
          : 'error' in outcome
            ? outcome.error
            : `refused: ${outcome.refused}`;
      this.logger.warn(
        `webhook for ${delivery.task_id} not delivered (${why}); ${after.next_attempt_at ? `again at ${after.next_attempt_at.toISOString()}` : 'giving up'}`,
      );
    }
    await this.store.autocommit((repos) => repos.deliveries.recordAttempt(delivery.id, after));
  }

  private post(delivery: ClaimedDelivery): Promise<WebhookOutcome> {
    if (!delivery.secret)
      return Promise.resolve({ error: 'the task has no webhook secret to sign with' });
    const body = JSON.stringify(delivery.body);
    const timestamp = Math.floor(Date.now() / 1000);
    return postWebhook({
      url: delivery.url,
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Mediaflow-Webhooks/1',
        [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(delivery.secret, body, timestamp),
      },
      timeoutMs: this.config.MEDIAFLOW_WEBHOOK_TIMEOUT_MS,
      allowList: this.config.MEDIAFLOW_ALLOWED_HOSTS,
    });
  }
}
