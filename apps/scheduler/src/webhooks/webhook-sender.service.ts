import type { DeliveryAttempt } from '@mediaflow/contracts';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { SchedulerConfig } from '../config';
import { SchedulerStore } from '../database/scheduler-store';
import type { ClaimedEventDelivery } from '../events/event-deliveries.repository';
import { SCHEDULER_CONFIG } from '../scheduler-tokens';
import { eventDeliveryBody, eventDeliveryHeaders } from './event-delivery-body';
import type { ClaimedDelivery } from './webhook-deliveries.repository';
import { postWebhook } from './webhook-post';
import {
  afterWebhookAttempt,
  type DeliveryAfterAttempt,
  type WebhookOutcome,
} from './webhook-schedule';
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
 * The sender's queue holds both kinds of delivery, so that one limit
 * (MEDIAFLOW_WEBHOOK_CONCURRENCY) bounds every POST: a task's webhook
 * (`scheduler.webhook_deliveries`) or an event's delivery to a webhook
 * endpoint (`scheduler.event_deliveries`), each keyed by its table's id.
 */
type QueuedDelivery = `task:${string}` | `event:${string}`;

/**
 * POSTs webhook deliveries, signed, only where MEDIAFLOW_ALLOWED_HOSTS lets
 * non-public addresses be reached, and records how each went. A task's
 * webhook is sent as soon as the transaction that ended its task commits
 * ({@link sendNow}); an event's deliveries to webhook endpoints as soon as
 * the transaction that kept the event commits (the store hands them over);
 * the reconciler hands over those due again after a failure and any this
 * process could not take ({@link sendDue}). All go through one queue, at most
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
      (key) => this.attempt(key as QueuedDelivery),
      (key, error) =>
        this.logger.error(`webhook delivery ${key} failed: ${(error as Error).message}`),
    );
    store.onEventDeliveriesMade((ids) => this.sendEventDeliveries(ids));
  }

  /**
   * Task webhooks just committed: sent now, or left to the reconciler when
   * the queue is full (their rows stay due). Does not wait for them.
   */
  sendNow(ids: readonly string[]): void {
    for (const id of ids) this.queue.offer(`task:${id}`);
  }

  /** Event deliveries just committed, as {@link sendNow}. */
  sendEventDeliveries(ids: readonly string[]): void {
    for (const id of ids) this.queue.offer(`event:${id}`);
  }

  /** Due deliveries no sender holds, as many as the queue has room for. Does not wait for them. */
  async sendDue(): Promise<void> {
    const room = this.queue.room();
    if (room === 0) return;
    this.sendNow(await this.store.autocommit((repos) => repos.deliveries.due(room)));
    const left = this.queue.room();
    if (left === 0) return;
    this.sendEventDeliveries(
      await this.store.autocommit((repos) => repos.eventDeliveries.due(left)),
    );
  }

  /** Deliveries still waiting stay due for the reconciler; those under way are finished and recorded. */
  beforeApplicationShutdown(): Promise<void> {
    return this.queue.close();
  }

  /** One attempt, if this sender gets the claim; otherwise someone else is sending it, or has. */
  private async attempt(key: QueuedDelivery): Promise<void> {
    const claimMs = this.config.MEDIAFLOW_WEBHOOK_TIMEOUT_MS + CLAIM_MARGIN_MS;
    const id = key.slice(key.indexOf(':') + 1);
    if (key.startsWith('task:')) {
      const delivery = await this.store.autocommit((repos) => repos.deliveries.claim(id, claimMs));
      if (delivery) await this.send(delivery);
    } else {
      const delivery = await this.store.autocommit((repos) =>
        repos.eventDeliveries.claim(id, claimMs),
      );
      if (delivery) await this.sendEvent(delivery);
    }
  }

  private async send(delivery: ClaimedDelivery): Promise<void> {
    const outcome = await this.post(delivery);
    const after = afterWebhookAttempt(delivery, outcome, new Date());
    this.warnUndelivered(`webhook for ${delivery.task_id}`, outcome, after);
    await this.store.autocommit((repos) => repos.deliveries.recordAttempt(delivery.id, after));
  }

  /** An event to a webhook endpoint, signed with the endpoint's secret; each POST kept in its history. */
  private async sendEvent(delivery: ClaimedEventDelivery): Promise<void> {
    const body = JSON.stringify(eventDeliveryBody(delivery.event));
    const startedAt = Date.now();
    const timestamp = Math.floor(startedAt / 1000);
    const outcome = await postWebhook({
      url: delivery.url,
      body,
      headers: eventDeliveryHeaders(delivery.secret, body, delivery.event, timestamp),
      timeoutMs: this.config.MEDIAFLOW_WEBHOOK_TIMEOUT_MS,
      allowList: this.config.MEDIAFLOW_ALLOWED_HOSTS,
    });
    const after = afterWebhookAttempt(delivery, outcome, new Date());
    const attempt: DeliveryAttempt = {
      attempt: after.attempts,
      at: timestamp,
      http_status: 'status' in outcome ? outcome.status : null,
      duration_ms: Date.now() - startedAt,
      error: after.last_error,
    };
    this.warnUndelivered(
      `${delivery.event.type} ${delivery.event.id} to ${delivery.endpoint_id}`,
      outcome,
      after,
    );
    await this.store.autocommit((repos) =>
      repos.eventDeliveries.recordAttempt(delivery.id, after, attempt),
    );
  }

  private warnUndelivered(what: string, outcome: WebhookOutcome, after: DeliveryAfterAttempt) {
    if (after.delivered_at) return;
    const why =
      'status' in outcome
        ? `HTTP ${outcome.status}`
        : 'error' in outcome
          ? outcome.error
          : `refused: ${outcome.refused}`;
    this.logger.warn(
      `${what} not delivered (${why}); ${after.next_attempt_at ? `again at ${after.next_attempt_at.toISOString()}` : 'giving up'}`,
    );
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
