import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SchedulerConfig } from '../config';
import { SchedulerStore } from '../database/scheduler-store';
import { SCHEDULER_CONFIG } from '../scheduler-tokens';
import type { DueDelivery } from './webhook-deliveries.repository';
import { postWebhook } from './webhook-post';
import { afterWebhookAttempt, type WebhookOutcome } from './webhook-schedule';
import { WEBHOOK_SIGNATURE_HEADER, webhookSignature } from './webhook-signature';

/**
 * POSTs due webhook deliveries, signed, only where MEDIAFLOW_ALLOWED_HOSTS
 * lets non-public addresses be reached, and records how each went. Run by
 * the reconciler (one replica at a time), so a delivery is never sent twice at once.
 */
@Injectable()
export class WebhookSender {
  private readonly logger = new Logger(WebhookSender.name);

  constructor(
    private readonly store: SchedulerStore,
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
  ) {}

  async sendDue(limit: number): Promise<void> {
    const due = await this.store.autocommit((repos) => repos.deliveries.due(limit));
    await Promise.all(due.map((delivery) => this.send(delivery)));
  }

  private async send(delivery: DueDelivery): Promise<void> {
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

  private post(delivery: DueDelivery): Promise<WebhookOutcome> {
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
